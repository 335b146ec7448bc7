// The analysts' playground: GraphiQL served by the router itself at `GET /graphql` (browsers, which send
// `Accept: text/html`), with its assets under /playground/assets/. No CDN and no other host: the bundle is
// built from node_modules by esbuild (./assets.ts, cached per version) and loaded in the background once
// the router listens (`warm()`), and a strict Content Security Policy keeps the page from loading or
// connecting anywhere but the router.
//
// Router wiring (router/src/server.ts): `const playground = createPlayground({ enabled: playgroundEnabled(config) })`
// and, first thing in the request handler, `if (await playground.handle(req, res)) return;`.
//
// Per environment (PLAYGROUND): on outside production, off in production, or `staff`: the page is served
// (it is a static bundle with nothing secret in it) while the schema behind it is introspectable only with
// a staff token (any role but CUSTOMER) in the headers editor. Operations themselves need no playground
// rule: whatever client sends them, the router authorizes them by their token like any other request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, visit, type DocumentNode } from "graphql";
import type { Logger } from "#kernel/logger.js";
import type { RouterContext } from "../context.js";
import { loadPlaygroundAssets, type PlaygroundBundle } from "./assets.js";

type PlaygroundSetting = boolean | "staff" | undefined;

export function playgroundMode(config: { NODE_ENV: string; PLAYGROUND?: PlaygroundSetting }): "on" | "off" | "staff" {
  if (config.PLAYGROUND === "staff") return "staff";
  return (config.PLAYGROUND ?? config.NODE_ENV !== "production") ? "on" : "off";
}

export function playgroundEnabled(config: { NODE_ENV: string; PLAYGROUND?: PlaygroundSetting }): boolean {
  return playgroundMode(config) !== "off";
}

/**
 * Who may introspect the schema: INTROSPECTION=true/false decides for everyone; unset, staff only when
 * PLAYGROUND=staff, else everyone outside production and no one in production.
 */
export function introspectionPolicy(config: { NODE_ENV: string; INTROSPECTION?: boolean | undefined; PLAYGROUND?: PlaygroundSetting }): "all" | "staff" | "none" {
  if (config.INTROSPECTION !== undefined) return config.INTROSPECTION ? "all" : "none";
  if (config.PLAYGROUND === "staff") return "staff";
  return config.NODE_ENV !== "production" ? "all" : "none";
}

/** True when the document selects `__schema` or `__type` anywhere (fragments included). */
export function selectsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === "__schema" || node.name.value === "__type") {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

/** Refuses introspection to callers without a staff token (introspection policy `staff`); no subgraph is called. */
export function staffIntrospectionPlugin(): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ contextValue, document, response }) {
          const role = contextValue.caller?.role;
          if ((role && role !== "CUSTOMER") || !selectsIntrospection(document)) return null;
          const code = role ? "FORBIDDEN" : "UNAUTHENTICATED";
          const message = role
            ? "Schema introspection is only available to staff tokens here"
            : "Schema introspection needs a staff token: log in and set the Authorization header";
          return { http: response.http, body: { kind: "single", singleResult: { data: null, errors: [{ message, extensions: { code } }] } } };
        },
      };
    },
  };
}

export const PLAYGROUND_ASSETS_PATH = "/playground/assets/";

export interface PlaygroundOptions {
  enabled: boolean;
  /** Path of the GraphQL endpoint the page serves and queries. Default `/graphql`. */
  endpoint?: string;
  /** Path of the graphql-ws endpoint, on the router's own host. Default: the GraphQL endpoint. */
  subscriptionEndpoint?: string;
  logger?: Pick<Logger, "info" | "error">;
}

export interface Playground {
  readonly enabled: boolean;
  /** Serves the request if it is the playground's (page or asset) and returns true; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Loads (or builds) the bundle now rather than on the first request. */
  warm(): Promise<void>;
}

/** Headers on every playground response. */
const COMMON_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

// A Host header we are willing to echo into the CSP: a DNS name or IPv4/IPv6 literal with an optional port.
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The page's policy: scripts, styles and connections only to the router itself (plus its own ws:/wss:
 * origin for subscriptions: 'self' does not cover WebSockets in every browser). GraphiQL's fonts are
 * data: URLs inside its stylesheet. No inline script or style element is allowed.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host && HOST_PATTERN.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function renderPage(bundle: Pick<PlaygroundBundle, "script" | "stylesheet">, endpoint: string, subscriptionEndpoint: string): string {
  const asset = (name: string) => escapeAttribute(`${PLAYGROUND_ASSETS_PATH}${name}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FedBank GraphQL playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset(bundle.stylesheet)}">
<script type="module" src="${asset(bundle.script)}"></script>
</head>
<body>
<div id="graphiql" data-endpoint="${escapeAttribute(endpoint)}" data-subscription-endpoint="${escapeAttribute(subscriptionEndpoint)}">Loading the playground…</div>
<noscript>The GraphQL playground needs JavaScript.</noscript>
</body>
</html>
`;
}

function acceptsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? "";
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

function acceptsGzip(req: IncomingMessage): boolean {
  const value = req.headers["accept-encoding"];
  return typeof value === "string" && /\bgzip\b/i.test(value);
}

function sendText(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { ...COMMON_HEADERS, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(message);
}

export function createPlayground(options: PlaygroundOptions): Playground {
  const endpoint = options.endpoint ?? "/graphql";
  const subscriptionEndpoint = options.subscriptionEndpoint ?? endpoint;
  let building: Promise<PlaygroundBundle> | undefined;

  function bundle(): Promise<PlaygroundBundle> {
    building ??= loadPlaygroundAssets().then(
      (built) => {
        options.logger?.info({ ms: built.buildMs, cached: built.cached, assets: built.assets.size }, built.cached ? "playground bundle loaded from its cache" : "playground bundle built");
        return built;
      },
      (error: unknown) => {
        building = undefined; // retried on the next request
        throw error;
      },
    );
    return building;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (!options.enabled) return false;
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const isPage = pathname === endpoint && acceptsHtml(req);
    const isAsset = pathname.startsWith(PLAYGROUND_ASSETS_PATH);
    if (!isPage && !isAsset) return false;

    let built: PlaygroundBundle;
    try {
      built = await bundle();
    } catch (error) {
      options.logger?.error({ err: error }, "playground bundle could not be built");
      sendText(res, 503, "The playground is unavailable: its bundle could not be built (see the router's log).");
      return true;
    }

    if (isPage) {
      const page = Buffer.from(renderPage(built, endpoint, subscriptionEndpoint));
      res.writeHead(200, {
        ...COMMON_HEADERS,
        "content-type": "text/html; charset=utf-8",
        "content-length": page.length,
        "content-security-policy": contentSecurityPolicy(req.headers.host),
        "cache-control": "no-store",
        vary: "Accept",
      });
      res.end(req.method === "HEAD" ? undefined : page);
      return true;
    }

    const asset = built.assets.get(pathname.slice(PLAYGROUND_ASSETS_PATH.length));
    if (!asset) {
      sendText(res, 404, "not found");
      return true;
    }
    const gzip = acceptsGzip(req);
    const body = gzip ? asset.gzip : asset.body;
    // One representation per encoding, so one validator per encoding.
    const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { ...COMMON_HEADERS, etag, vary: "Accept-Encoding", "cache-control": "public, max-age=31536000, immutable" });
      res.end();
      return true;
    }
    res.writeHead(200, {
      ...COMMON_HEADERS,
      "content-type": asset.contentType,
      "content-length": body.length,
      // Names are content-hashed: a new build gets new names.
      "cache-control": "public, max-age=31536000, immutable",
      etag,
      vary: "Accept-Encoding",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }

  return {
    enabled: options.enabled,
    handle,
    async warm() {
      if (options.enabled) await bundle();
    },
  };
}
