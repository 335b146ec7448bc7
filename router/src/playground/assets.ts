// Builds the playground's browser bundle (GraphiQL + React + graphql-ws from node_modules) with esbuild's
// JS API, in memory: nothing is fetched, nothing large is committed. The build (a few seconds of CPU) is
// kept in a cache under node_modules/.cache/fedbank-playground/<key>/, the key a hash of the sources and
// of package-lock.json, so it runs once per machine and version: at install (`npm run build:playground`,
// from postinstall and the Dockerfile) or else by the first router that needs it. The router loads it in
// the background once it is listening, so the first page view does not wait.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export interface PlaygroundAsset {
  /** File name under the assets path, content-hashed: `main-3XK2….js`. */
  name: string;
  contentType: string;
  body: Buffer;
  /** Pre-compressed copy, served to clients that accept gzip. */
  gzip: Buffer;
  etag: string;
}

export interface PlaygroundBundle {
  assets: Map<string, PlaygroundAsset>;
  /** The entry script and stylesheet, by asset name. */
  script: string;
  stylesheet: string;
  buildMs: number;
}

const ENTRY = fileURLToPath(new URL("./client/main.jsx", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CACHE_DIR = join(ROOT, "node_modules/.cache/fedbank-playground");

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export async function buildPlaygroundAssets(): Promise<PlaygroundBundle> {
  const started = performance.now();
  // Imported here, not at the top: a router with the playground off never loads the bundler.
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    outdir: "/playground-assets",
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    jsx: "automatic",
    // No source maps: a map URL would be one more request the browser's devtools make.
    sourcemap: false,
    // Licences of the bundled packages go to their own file, served next to the bundle.
    legalComments: "linked",
    define: { "process.env.NODE_ENV": '"production"' },
    loader: { ".woff2": "file", ".woff": "file", ".ttf": "file", ".svg": "file", ".png": "file" },
    logLevel: "silent",
  });
  const assets = new Map<string, PlaygroundAsset>();
  let script = "";
  let stylesheet = "";
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    const body = Buffer.from(file.contents);
    const extension = name.endsWith(".LEGAL.txt") ? ".txt" : extname(name);
    const contentType = CONTENT_TYPES[extension];
    if (!contentType) throw new Error(`playground build produced an unexpected file type: ${name}`);
    assets.set(name, {
      name,
      contentType,
      body,
      gzip: gzipSync(body),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    });
    if (name.startsWith("main-") && extension === ".js") script = name;
    if (name.startsWith("main-") && extension === ".css") stylesheet = name;
  }
  if (!script || !stylesheet) throw new Error("playground build produced no entry script or stylesheet");
  return { assets, script, stylesheet, buildMs: Math.round(performance.now() - started) };
}

/** The cache key: everything the bundle is made of (our sources, this builder, the locked dependency versions). */
async function cacheKey(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const client = join(here, "client");
  const sources = [
    ...(await readdir(client)).sort().map((name) => join(client, name)),
    join(here, "examples.ts"),
    join(here, "result-table.ts"),
    fileURLToPath(import.meta.url),
    join(ROOT, "package-lock.json"),
  ];
  const hash = createHash("sha256");
  // Relative names: the same sources in another checkout share the cache entry.
  for (const source of sources) hash.update(relative(ROOT, source)).update(await readFile(source).catch(() => Buffer.alloc(0)));
  return hash.digest("hex").slice(0, 24);
}

interface CacheManifest {
  script: string;
  stylesheet: string;
  files: { name: string; contentType: string; etag: string }[];
}

async function readCached(dir: string): Promise<PlaygroundBundle | undefined> {
  const started = performance.now();
  try {
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as CacheManifest;
    const assets = new Map<string, PlaygroundAsset>();
    for (const file of manifest.files) {
      const [body, gzip] = await Promise.all([readFile(join(dir, file.name)), readFile(join(dir, `${file.name}.gz`))]);
      assets.set(file.name, { ...file, body, gzip });
    }
    return { assets, script: manifest.script, stylesheet: manifest.stylesheet, buildMs: Math.round(performance.now() - started) };
  } catch {
    return undefined;
  }
}

async function writeCache(dir: string, bundle: PlaygroundBundle): Promise<void> {
  // Written aside and renamed, so a concurrent reader sees the whole cache or none of it.
  const temporary = `${dir}.${process.pid}.tmp`;
  await mkdir(temporary, { recursive: true });
  for (const asset of bundle.assets.values()) {
    await writeFile(join(temporary, asset.name), asset.body);
    await writeFile(join(temporary, `${asset.name}.gz`), asset.gzip);
  }
  const manifest: CacheManifest = {
    script: bundle.script,
    stylesheet: bundle.stylesheet,
    files: [...bundle.assets.values()].map(({ name, contentType, etag }) => ({ name, contentType, etag })),
  };
  await writeFile(join(temporary, "manifest.json"), JSON.stringify(manifest));
  const renamed = await rename(temporary, dir).then(
    () => true,
    async () => {
      await rm(temporary, { recursive: true, force: true }); // another process won the race: its copy is the same
      return false;
    },
  );
  if (!renamed) return;
  // Older versions' bundles are of no use any more.
  for (const name of await readdir(CACHE_DIR)) {
    if (join(CACHE_DIR, name) !== dir && !name.endsWith(".tmp")) await rm(join(CACHE_DIR, name), { recursive: true, force: true });
  }
}

/**
 * The bundle from the cache, or built now and cached (best effort: a read-only node_modules only costs
 * the cache). `cached` says which.
 */
export async function loadPlaygroundAssets(): Promise<PlaygroundBundle & { cached: boolean }> {
  const dir = join(CACHE_DIR, await cacheKey());
  const cached = await readCached(dir);
  if (cached) return { ...cached, cached: true };
  const built = await buildPlaygroundAssets();
  await writeCache(dir, built).catch(() => undefined);
  return { ...built, cached: false };
}
