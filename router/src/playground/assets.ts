// Builds the playground's browser bundle (GraphiQL + React + graphql-ws from node_modules) with esbuild's
// JS API, in memory: no file is written, nothing is fetched, nothing large is committed. The router
// builds it on the first playground request (a few seconds, once per process); `npm run
// build:playground` runs the same build to check it and report its size.
import { createHash } from "node:crypto";
import { basename, extname } from "node:path";
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
