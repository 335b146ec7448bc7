// A small node:http binding for Apollo Server, shared by the router and the subgraphs: no framework in
// the hot path, JSON bodies bounded in size, GraphQL-over-HTTP compliant errors for malformed requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from "@apollo/server";

export const MAX_BODY_BYTES = 1_000_000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = "BAD_REQUEST",
  ) {
    super(message);
  }
}

/** How much of a refused body is still read and thrown away so that closing does not reset the answer. */
const REFUSED_BODY_DRAIN_BYTES = 16 * MAX_BODY_BYTES;
const REFUSED_BODY_DRAIN_MS = 10_000;

const tooLarge = (limit: number) => new HttpError(413, `Request body is larger than ${limit} bytes`, "PAYLOAD_TOO_LARGE");

/**
 * The body's exact bytes (what a signature covers), bounded in size: a declared `Content-Length` over the
 * limit is refused before reading anything; a body that grows over it stops being collected. The request is
 * never destroyed here (that would reset the connection before the 413 is read): createHttpServer answers
 * and closes the connection once the client has finished sending.
 */
export function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (Number(req.headers["content-length"]) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      req.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on("data", onData).once("end", onEnd).once("error", onError);
  });
}

/**
 * Answers a request whose body was left unread (refused) and closes the connection, since the unread rest
 * would otherwise be taken for the next request. The answer goes out at once; the close waits until the
 * client has finished sending (the rest is read and dropped, bounded in bytes and time), because closing a
 * socket with unread input resets the connection, and a reset can destroy the answer before it is read.
 */
function refuseUnreadBody(req: IncomingMessage, res: ServerResponse, error: HttpError) {
  const payload = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  res.writeHead(error.status, {
    "content-type": "application/graphql-response+json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    connection: "close",
  });
  res.write(payload);
  let drained = 0;
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    clearTimeout(timer);
    req.off("data", onData);
    res.end();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > REFUSED_BODY_DRAIN_BYTES) close();
  };
  const timer = setTimeout(close, REFUSED_BODY_DRAIN_MS);
  if (Number(req.headers["content-length"]) > REFUSED_BODY_DRAIN_BYTES || req.readableEnded) return close();
  req.on("data", onData).once("end", close).once("close", close);
  req.resume();
}

export function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** A request-level GraphQL error response (nothing executed), as the GraphQL-over-HTTP spec describes. */
export function sendGraphQLError(res: ServerResponse, status: number, message: string, code: string, extensions: Record<string, unknown> = {}) {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extensions } }] }, {
    "content-type": "application/graphql-response+json; charset=utf-8",
  });
}

/** Parses a POST body as JSON; GET requests carry their operation in the query string. */
export async function parseGraphQLBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== "POST") return undefined;
  return parseGraphQLBodyBytes(req, await readRawBody(req));
}

/** Like parseGraphQLBody, for a body already read (e.g. to check its signature first). */
export function parseGraphQLBodyBytes(req: IncomingMessage, bytes: Buffer): unknown {
  if (req.method !== "POST") return undefined;
  const raw = bytes.toString("utf8");
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.includes("json")) {
    // Apollo Server's CSRF prevention rejects non-JSON POSTs; hand it the raw text so it answers itself.
    return raw;
  }
  if (raw.trim() === "") throw new HttpError(400, "Request body is empty: expected a JSON object with a query");
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "Request body is not valid JSON");
  }
}

export async function writeApolloResponse(res: ServerResponse, response: HTTPGraphQLResponse) {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  res.writeHead(response.status ?? 200, headers);
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Runs one GraphQL HTTP request through Apollo Server with an already-built context. */
export async function executeGraphQL<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  context: () => Promise<TContext>,
) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: (req.method ?? "GET").toUpperCase(),
      headers: toHeaderMap(req),
      search: url.search,
      body,
    },
    context,
  });
  await writeApolloResponse(res, response);
}

interface ErrorLogger {
  error(details: object, message: string): void;
}

/**
 * An HTTP server whose handler errors become GraphQL-shaped responses: client errors (HttpError) with
 * their status, anything else a masked 500 with the details in the log only.
 */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  logger: ErrorLogger,
): Server {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        if (!req.complete && !res.headersSent) return refuseUnreadBody(req, res, error);
        return sendGraphQLError(res, error.status, error.message, error.code);
      }
      logger.error({ err: error }, "request failed");
      if (!res.headersSent) sendGraphQLError(res, 500, "Internal server error", "INTERNAL_SERVER_ERROR");
      else res.end();
    });
  });
  // Longer than common load balancers' idle timeouts, so they never reuse a socket we just closed.
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Listens and resolves with the actual port (useful when asked for port 0). */
export async function listen(server: Server, port: number, host = "0.0.0.0"): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : port;
}

/**
 * Stops accepting connections, closes idle keep-alive sockets, and waits for in-flight requests. With
 * `graceMs`, connections still busy after that long are closed (their requests are cut).
 */
export function closeServer(server: Server, graceMs?: number): Promise<void> {
  return new Promise((resolve) => {
    // A keep-alive connection whose request finishes becomes idle: close it then, not at keepAliveTimeout.
    const sweeper = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = graceMs === undefined ? undefined : setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweeper);
      if (deadline) clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
