// `npm run build:playground`: builds the playground bundle ahead (run by postinstall and the Dockerfile)
// into the cache the router reads (router/src/playground/assets.ts), so no router builds it, and prints
// each asset's size. `--rebuild` builds even when the cache is current; with `--out <dir>` it also writes
// the files there (to inspect them; the router never reads them).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildPlaygroundAssets, loadPlaygroundAssets } from "../router/src/playground/assets.js";

const outIndex = process.argv.indexOf("--out");
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : undefined;

const bundle = process.argv.includes("--rebuild") ? { ...(await buildPlaygroundAssets()), cached: false } : await loadPlaygroundAssets();
let total = 0;
let totalGzip = 0;
for (const asset of bundle.assets.values()) {
  total += asset.body.length;
  totalGzip += asset.gzip.length;
  process.stdout.write(`${asset.name.padEnd(40)} ${(asset.body.length / 1024).toFixed(0).padStart(6)} KiB  gzip ${(asset.gzip.length / 1024).toFixed(0).padStart(5)} KiB\n`);
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, asset.name), asset.body);
  }
}
process.stdout.write(`${bundle.assets.size} files, ${(total / 1024).toFixed(0)} KiB (gzip ${(totalGzip / 1024).toFixed(0)} KiB), ${bundle.cached ? "read from the cache" : "built"} in ${bundle.buildMs} ms\n`);
