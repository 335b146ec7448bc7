// `npm run schema:check`: the breaking-change check of the client contract. Composes the API schema from
// the subgraph SDLs as they are now and compares it with the last committed schema/api.graphql
// (`git show HEAD:schema/api.graphql`; without git history, the file in the working tree). A removed
// field, a changed type, a new required argument ... would break frontends already shipped: it fails,
// listing each change. Dangerous changes (a new enum value, an argument's default changed) are printed
// but pass.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildSchema, findBreakingChanges, findDangerousChanges } from "graphql";
import { API_SCHEMA_URL, apiSchemaOf, composeSupergraph } from "./compose.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface SchemaChanges {
  breaking: string[];
  dangerous: string[];
}

/** Changes from `baseline` to `candidate` (both API schema SDL) that clients would notice. */
export function compareApiSchemas(baseline: string, candidate: string): SchemaChanges {
  const before = buildSchema(baseline);
  const after = buildSchema(candidate);
  return {
    breaking: findBreakingChanges(before, after).map((change) => `${change.type}: ${change.description}`),
    dangerous: findDangerousChanges(before, after).map((change) => `${change.type}: ${change.description}`),
  };
}

/** The last committed API schema: HEAD's, or the working tree's when HEAD has none (first commit of it). */
export async function committedApiSchema(): Promise<{ sdl: string; source: string }> {
  try {
    const sdl = execFileSync("git", ["show", "HEAD:schema/api.graphql"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return { sdl, source: "HEAD:schema/api.graphql" };
  } catch {
    return { sdl: await readFile(API_SCHEMA_URL, "utf8"), source: "schema/api.graphql" };
  }
}

async function main() {
  const { sdl: baseline, source } = await committedApiSchema();
  const candidate = apiSchemaOf(await composeSupergraph());
  const { breaking, dangerous } = compareApiSchemas(baseline, candidate);
  for (const change of dangerous) console.warn(`dangerous (clients may need a look): ${change}`);
  if (breaking.length > 0) {
    console.error(`Breaking changes to the API schema against ${source}:\n${breaking.map((change) => `  - ${change}`).join("\n")}`);
    console.error("Deprecate first (@deprecated), remove in a later release once clients have moved.");
    process.exit(1);
  }
  console.log(`No breaking change to the API schema against ${source}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
