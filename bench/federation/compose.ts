// Composes the four benchmark subgraphs (subgraphs.ts) into bench/federation/supergraph.graphql with
// @apollo/composition. The URLs in the file are placeholders: the bench points each gateway at the running
// subgraphs (SUBGRAPH_<NAME>_URL for our router, the same URLs for the baseline).
import { writeFile } from "node:fs/promises";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { SUBGRAPH_NAMES, typeDefs } from "./subgraphs.js";

export const FEDERATION_SUPERGRAPH_URL = new URL("./supergraph.graphql", import.meta.url);

export function composeFederationSupergraph(): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name, index) => ({ name, url: `http://localhost:${4101 + index}/graphql`, typeDefs: parse(typeDefs[name]) })),
  );
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join("\n")}`);
  return `${result.supergraphSdl.trimEnd()}\n`;
}

export async function writeFederationSupergraph(): Promise<string> {
  const sdl = composeFederationSupergraph();
  await writeFile(FEDERATION_SUPERGRAPH_URL, sdl);
  return FEDERATION_SUPERGRAPH_URL.pathname;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`wrote ${await writeFederationSupergraph()}`);
