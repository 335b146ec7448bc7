// The run's TypeScript compiled once (esbuild, the sources as they are, npm packages left as imports): the
// platform's entry points and the test files. Each platform start and each test file then loads one module
// instead of registering tsx and having it resolve and transpile its files through a loader thread: about
// 30 % less CPU per platform start and ~1 CPU-s less per test file (docs/architecture.md, "Test map").
// scripts/test.mjs builds them into a folder it names in FEDBANK_TEST_BUNDLES; test/support/stack.ts then
// runs `<folder>/scripts/start.mjs` for `scripts/start.ts` (without it, the sources through tsx).
import { mkdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SUBGRAPHS = ["users", "accounts", "transactions", "notifications", "audit", "reporting"];
/** What the test harness starts: the whole platform, a lone router, a lone subgraph. */
export const PLATFORM_ENTRY_POINTS = ["scripts/start.ts", "router/src/main.ts", ...SUBGRAPHS.map((name) => `subgraphs/${name}/src/main.ts`)];

/** The bundle of a source file (`test/x.test.ts` → `<dir>/test/x.test.mjs`), and back. */
export const bundleOf = (dir, file) => join(dir, file.replace(/\.ts$/, ".mjs"));
export const sourceOf = (dir, bundle) => relative(dir, bundle).replace(/\.mjs$/, ".ts");

/**
 * Builds a bundle of each entry point (paths relative to the repository) into `dir`, which must lie inside
 * the repository (the bundles import npm packages from its node_modules). Each module keeps its own
 * `import.meta.url`, so files it reads relative to itself (migrations, schemas, fixtures) are found where
 * they are.
 */
export async function buildBundles(dir, entryPoints) {
  await mkdir(dir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir: dir,
    outbase: root,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    keepNames: true,
    // Code shared by entry points lands in chunks, and a dynamic import stays one (loaded when it runs, as
    // from the sources: e.g. router/src/apollo-executor.ts, only with ROUTER_ENGINE=apollo).
    splitting: true,
    logLevel: "warning",
    plugins: [
      {
        name: "own-import-meta-url",
        setup(builder) {
          builder.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
            contents: (await readFile(path, "utf8")).replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href)),
            loader: "ts",
          }));
        },
      },
    ],
  });
}
