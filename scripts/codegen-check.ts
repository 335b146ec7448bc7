// Fails when a generated file listed in codegen.yml differs from what GraphQL Code Generator would write now,
// so a schema change cannot be merged with stale resolver types. Generates in memory; writes nothing.
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CONFIG_FILE = join(ROOT, "codegen.yml");

type CodegenConfig = Exclude<Parameters<typeof generate>[0], { getConfig: unknown }>;
interface GeneratedFile {
  filename: string;
  content: string;
}

/** Paths (relative to the repo root) of generated files that are missing or differ from a fresh generation. */
export async function findStaleGeneratedFiles(): Promise<string[]> {
  // `merge: true` honours the `<<: *resolvers` keys, exactly as the codegen CLI's own loader does.
  const config = parse(await readFile(CONFIG_FILE, "utf8"), { merge: true }) as CodegenConfig;
  const outputs = (await generate({ ...config, cwd: ROOT, silent: true }, false)) as GeneratedFile[];
  const stale: string[] = [];
  for (const { filename, content } of outputs) {
    const path = join(ROOT, filename);
    const committed = await readFile(path, "utf8").catch(() => null);
    if (committed !== content) stale.push(relative(ROOT, path));
  }
  return stale;
}

async function main() {
  const stale = await findStaleGeneratedFiles();
  if (stale.length > 0) {
    console.error(
      `Generated files are stale (they differ from what codegen.yml produces now):\n` +
        stale.map((file) => `  - ${file}`).join("\n") +
        "\nRun `npm run codegen` and commit the result.",
    );
    process.exit(1);
  }
  console.log("Generated resolver types are up to date with codegen.yml");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`codegen check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
