// Applies the committed migrations with `prisma migrate deploy` (Prisma's JS engines: no download), as the
// database OWNER: MIGRATION_DATABASE_URL, or DATABASE_URL when only one URL is given (embedded mode, a laptop).
// The migrations create the application role `fedbank_app` that services connect as (DATABASE_URL); when the
// two URLs differ and DATABASE_URL names that role with a password, the role is given that password, so one
// secret configures both (docs/ledger.md, "Least privilege").
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";

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

/** The application role the migrations create (services connect as it). */
export const APPLICATION_ROLE = "fedbank_app";

/** `url` with the application role as its user (no password: for trust/peer authentication, e.g. tests). */
export function asApplicationRole(url: string): string {
  const parsed = new URL(url);
  parsed.username = APPLICATION_ROLE;
  parsed.password = "";
  return parsed.toString();
}

/**
 * Lets the application role log in with the password of `applicationUrl` (run as the owner, after the
 * migrations created the role). Nothing to do when the URL names another role or carries no password.
 */
export async function setApplicationRolePassword(ownerUrl: string, applicationUrl: string): Promise<void> {
  const app = new URL(applicationUrl);
  if (decodeURIComponent(app.username) !== APPLICATION_ROLE || !app.password) return;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`ALTER ROLE "${APPLICATION_ROLE}" PASSWORD ${client.escapeLiteral(decodeURIComponent(app.password))}`);
  } finally {
    await client.end();
  }
}

/** Migrates as the owner and prepares the application role's login (the two-URL production shape). */
export async function migrateWithRoles(env: { DATABASE_URL: string; MIGRATION_DATABASE_URL?: string }, quiet = false): Promise<void> {
  const ownerUrl = env.MIGRATION_DATABASE_URL || env.DATABASE_URL;
  await migrateDatabase(ownerUrl, quiet);
  if (ownerUrl !== env.DATABASE_URL) await setApplicationRolePassword(ownerUrl, env.DATABASE_URL);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url && !process.env.MIGRATION_DATABASE_URL) {
    console.error("DATABASE_URL is missing: set it (or MIGRATION_DATABASE_URL, the owner's URL) to the postgres:// URL of the database to migrate");
    process.exit(78);
  }
  migrateWithRoles({ DATABASE_URL: url ?? process.env.MIGRATION_DATABASE_URL!, MIGRATION_DATABASE_URL: process.env.MIGRATION_DATABASE_URL }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
