// Applies the committed migrations with `prisma migrate deploy` (Prisma's JS engines: no download).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function migrateDatabase(databaseUrl: string, quiet = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}node_modules/prisma/build/index.js`, "migrate", "deploy"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      const lines = output.split("\n").filter((line) => line.trim() && !line.startsWith("warn"));
      if (code === 0) {
        if (!quiet) process.stdout.write(`${lines.filter((l) => /migration|applied|No pending/i.test(l)).join("\n")}\n`);
        resolve();
      } else {
        reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${lines.join("\n")}`));
      }
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is missing: set it to the postgres:// URL of the database to migrate");
    process.exit(78);
  }
  migrateDatabase(url).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
