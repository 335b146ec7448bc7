// The second baseline of `npm run bench` (scenario 4): Hive Gateway (@graphql-hive/gateway) with the Hive
// Router runtime (@graphql-hive/router-runtime: Hive's Rust query planner as a native addon plus its own
// executor), default settings otherwise, serving the benchmark supergraph in this one process (`--fork 1`,
// so CPU and RSS are measured on this pid like every other side).
//
// Environment: SUPERGRAPH_PATH, PORT, SUBGRAPH_<NAME>_URL (the running subgraphs; written into a copy of
// the supergraph, since Hive Gateway reads the URLs from the file).
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const supergraphPath = process.env.SUPERGRAPH_PATH ?? fileURLToPath(new URL("./supergraph.graphql", import.meta.url));
const port = process.env.PORT ?? "4910";
const overrides: Record<string, string> = {};
for (const [key, value] of Object.entries(process.env)) {
  const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
  if (match?.[1] && value) overrides[match[1].toLowerCase()] = value;
}
const sdl = (await readFile(supergraphPath, "utf8")).replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
  overrides[name] ? `@join__graph(name: "${name}", url: "${overrides[name]}")` : whole,
);
const rewritten = join(await mkdtemp(join(tmpdir(), "fedbank-hive-")), "supergraph.graphql");
await writeFile(rewritten, sdl);

// The CLI, in this process: it reads its arguments from process.argv.
const bin = fileURLToPath(new URL("../../node_modules/@graphql-hive/gateway/dist/bin.js", import.meta.url));
process.argv = [process.argv[0]!, bin, "supergraph", rewritten, "--port", port, "--host", "127.0.0.1", "--fork", "1", "--hive-router-runtime"];
await import(bin);
