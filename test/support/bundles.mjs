// The platform's entry points compiled once per test run (esbuild, the sources as they are, npm packages
// left as imports), so each of the run's many platform starts loads one module instead of having tsx
// resolve and transpile ~300 files through its loader thread: about 30 % less CPU per start (measured
// in docs/architecture.md, "Test map"). test/support/stack.ts runs `<dir>/scripts/start.mjs` for
// `scripts/start.ts` when FEDBANK_TEST_BUNDLES names the folder (scripts/test.mjs sets it), else the
// sources through tsx.
import { mkdir, readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SUBGRAPHS = ["users", "accounts", "transactions", "notifications", "audit", "reporting"];
/** What the test harness starts: the whole platform, a lone router, a lone subgraph. */
export const ENTRY_POINTS = ["scripts/start.ts", "router/src/main.ts", ...SUBGRAPHS.map((name) => `subgraphs/${name}/src/main.ts`)];

/**
 * Builds every entry point's bundle into `dir`, which must lie inside the repository (the bundles import
 * npm packages from its node_modules). Each module keeps its own `import.meta.url`, so files it reads
 * relative to itself (migrations, schemas, the playground) are found where they are.
 */
export async function buildPlatformBundles(dir) {
  await mkdir(dir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir: dir,
    outbase: root,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    keepNames: true,
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
