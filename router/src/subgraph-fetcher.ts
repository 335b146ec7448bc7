// Subgraph HTTP clients. `createSubgraphPoster` is the engine's (undici pool, see below). `createSubgraphFetcher`
// is a lean fetch for stock @apollo/gateway's data sources (ROUTER_ENGINE=apollo, and the bench's baseline
// experiment): node:http(s) with one keep-alive agent per protocol, the response read whole and parsed once.
// @apollo/gateway's default (make-fetch-happen → minipass-fetch → @npmcli/agent → agent-base) costs about a
// quarter of the gateway's CPU in our profiles (docs/benchmarks.md): HTTP cache semantics, retries and proxy
// support the router does not use, and agent-base building an Error stack per request to guess the
// protocol. Implements only what RemoteGraphQLDataSource reads (status, headers, text, json) and
// make-fetch-happen's `timeout` option (router/src/apollo-executor.ts's timeoutFetcher passes it).
// Wiring (router/src/gateway.ts, data source constructor): `super({ url, fetcher: createSubgraphFetcher() })`.
import http from "node:http";
import https from "node:https";
import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import { Pool, type Dispatcher } from "undici";

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
  body: string;
}

/** undici's timeout errors, reported as the rest of the router names a timeout (resilience/subgraph-policy.ts). */
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * One request's undici handler (the dispatcher's own callback interface, no stream or Response object):
 * the body's chunks are kept and decoded once at the end.
 */
class CollectingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private statusText = "";
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (response: SubgraphHttpResponse) => void,
    private readonly reject: (error: Error) => void,
    private readonly timeoutMs: number | undefined,
  ) {}

  onConnect() {}

  onHeaders(statusCode: number, _headers: Buffer[], _resume: () => void, statusText: string) {
    this.status = statusCode;
    this.statusText = statusText;
    return true;
  }

  onData(chunk: Buffer) {
    this.chunks.push(chunk);
    return true;
  }

  onComplete() {
    const chunks = this.chunks;
    const body = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
    this.resolve({ status: this.status, statusText: this.statusText, body });
  }

  onError(error: Error) {
    const code = (error as { code?: string }).code;
    if (code && TIMEOUT_CODES.has(code)) {
      const timeout = new Error(`subgraph request timed out after ${this.timeoutMs} ms`, { cause: error });
      timeout.name = "TimeoutError";
      this.reject(timeout);
      return;
    }
    this.reject(error);
  }
}

/**
 * The engine's transport (router/src/engine via router/src/gateway.ts): POSTs a body to one subgraph
 * endpoint through an undici connection pool (keep-alive, up to `maxSockets` connections, no pipelining,
 * no retries of its own), with undici's dispatcher interface rather than a fetch Response, so a request
 * costs no stream, Headers or Response object. The URL is parsed once per subgraph. The timeout bounds
 * the wait for the answer's headers and each pause within its body (as the socket timeout did before).
 * Measured against node:http's ClientRequest on the same answers: about 1.45× less CPU per request
 * (docs/benchmarks.md).
 */
export function createSubgraphPoster(url: string, options: SubgraphFetcherOptions = {}) {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, { connections: options.maxSockets ?? 256, pipelining: 1 });
  return {
    path,
    /** `headers`: name, value, name, value … (lower-case names); content-length is added from the body. */
    post(headers: string[], body: string, timeoutMs?: number): Promise<SubgraphHttpResponse> {
      return new Promise((resolve, reject) => {
        pool.dispatch(
          { origin: target.origin, path, method: "POST", headers, body, headersTimeout: timeoutMs ?? null, bodyTimeout: timeoutMs ?? null },
          new CollectingHandler(resolve, reject, timeoutMs),
        );
      });
    },
    close() {
      return pool.destroy();
    },
  };
}
