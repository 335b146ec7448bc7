// A lean fetch for subgraph calls: node:http(s) with one keep-alive agent per protocol, the response read
// whole and parsed once. @apollo/gateway's default (make-fetch-happen → minipass-fetch → @npmcli/agent →
// agent-base) costs about a quarter of the gateway's CPU in our profiles (docs/benchmarks.md): HTTP cache
// semantics, retries and proxy support the router does not use, and agent-base building an Error stack per
// request to guess the protocol. Implements only what RemoteGraphQLDataSource reads (status, headers, text,
// json) and make-fetch-happen's `timeout` option (router/src/gateway.ts's timeoutFetcher passes it).
// Wiring (router/src/gateway.ts, data source constructor): `super({ url, fetcher: createSubgraphFetcher() })`.
import http from "node:http";
import https from "node:https";
import type { RemoteGraphQLDataSource } from "@apollo/gateway";

type Fetcher = RemoteGraphQLDataSource["fetcher"];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface SubgraphFetcherOptions {
  /** Sockets per subgraph origin (keep-alive, reused). */
  maxSockets?: number;
}

class LeanResponse implements FetcherResponse {
  bodyUsed = false;
  readonly redirected = false;
  readonly ok: boolean;
  readonly headers: Headers;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    rawHeaders: http.IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new Headers();
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (value !== undefined) this.headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
  }

  async text() {
    this.bodyUsed = true;
    return this.body.toString("utf8");
  }

  async json() {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer() {
    this.bodyUsed = true;
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new LeanResponse(this.url, this.status, this.statusText, Object.fromEntries(this.headers), this.body);
  }
}

export function createSubgraphFetcher(options: SubgraphFetcherOptions = {}): Fetcher {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: "lifo" as const };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  return (url: string, init?: FetcherRequestInit) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const body = typeof init?.body === "string" ? init.body : undefined;
      const timeoutMs = (init as { timeout?: number } | undefined)?.timeout;
      const request = (secure ? https : http).request(
        target,
        {
          method: init?.method ?? "GET",
          headers: body !== undefined ? { ...headers, "content-length": String(Buffer.byteLength(body)) } : headers,
          agent: secure ? agents.https : agents.http,
          signal: (init as { signal?: AbortSignal } | undefined)?.signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve(new LeanResponse(url, response.statusCode ?? 0, response.statusMessage ?? "", response.headers, Buffer.concat(chunks))),
          );
          response.on("error", reject);
        },
      );
      // Same contract as make-fetch-happen's `timeout`: no response within it → the request fails.
      if (timeoutMs) request.setTimeout(timeoutMs, () => request.destroy(new Error(`subgraph request timed out after ${timeoutMs} ms`)));
      request.on("error", reject);
      request.end(body);
    });
}

/** A subgraph answer as the engine reads it: status and the whole body. */
export interface SubgraphHttpResponse {
  status: number;
  statusText: string;
  contentType: string | undefined;
  body: string;
}

/**
 * The engine's transport (router/src/engine via router/src/gateway.ts): POSTs a body to one subgraph
 * endpoint over the same kind of keep-alive agent, without a fetch-compatible Response (no Headers object
 * per answer). The URL is parsed once per subgraph.
 */
export function createSubgraphPoster(url: string, options: SubgraphFetcherOptions = {}) {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  const agent = new (secure ? https : http).Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: "lifo" });
  const base = { protocol: target.protocol, hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: "POST", agent };
  const send = secure ? https.request : http.request;
  return {
    path: base.path,
    post(headers: Record<string, string>, body: string, timeoutMs?: number): Promise<SubgraphHttpResponse> {
      return new Promise((resolve, reject) => {
        const request = send({ ...base, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? "",
              contentType: response.headers["content-type"],
              body: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8"),
            }),
          );
          response.on("error", reject);
        });
        if (timeoutMs) {
          request.setTimeout(timeoutMs, () => {
            const error = new Error(`subgraph request timed out after ${timeoutMs} ms`);
            error.name = "TimeoutError";
            request.destroy(error);
          });
        }
        request.on("error", reject);
        request.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
