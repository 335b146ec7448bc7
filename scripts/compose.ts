// Composes the six subgraph SDLs into schema/supergraph.graphql with @apollo/composition (no network, no
// binaries). `--check` fails when composition fails or the committed file differs from a fresh composition.
import { readFile, writeFile } from "node:fs/promises";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { SUBGRAPHS, schemaFileUrl } from "./subgraphs.js";

export const SUPERGRAPH_URL = new URL("../schema/supergraph.graphql", import.meta.url);

export async function composeSupergraph(): Promise<string> {
  const services = await Promise.all(
    SUBGRAPHS.map(async ({ name, port }) => ({
      name,
      url: `http://localhost:${port}/graphql`,
      typeDefs: parse(await readFile(schemaFileUrl(name), "utf8")),
    })),
  );
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join("\n")}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

async function main() {
  const check = process.argv.includes("--check");
  const composed = await composeSupergraph();
  if (!check) {
    await writeFile(SUPERGRAPH_URL, composed);
    console.log(`wrote ${SUPERGRAPH_URL.pathname}`);
    return;
  }
  const committed = await readFile(SUPERGRAPH_URL, "utf8").catch(() => "");
  if (committed !== composed) {
    console.error("schema/supergraph.graphql is stale: run `npm run compose` and commit the result");
    process.exit(1);
  }
  console.log("schema/supergraph.graphql is up to date");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
