// Where a streaming client's access token comes from, and why it was refused, in words a frontend developer
// can act on. graphql-ws clients put it in `connection_init`'s payload in one of three common shapes:
// `{ authorization }`, `{ Authorization }` or `{ headers: { authorization } }` (Apollo's and urql's docs show
// all three); HTTP transports send the usual header. The token's shape is checked here first so a close
// reason never says "must be `Bearer <access token>`" about a token that was sent that way.
// Token lifetime: a socket is closed with REAUTHENTICATE (a code graphql-ws clients retry) shortly before the
// token expires, so a client whose `connectionParams` is a function reconnects with a refreshed token.

/** Close codes of the router's streaming transports (docs/realtime.md#close-codes). */
export const CLOSE = {
  GOING_AWAY: 1001,
  TRY_AGAIN_LATER: 1013,
  /** Final for graphql-ws clients: the token is missing, malformed, invalid, expired or revoked. */
  UNAUTHORIZED: 4401,
  /**
   * Retryable (not in graphql-ws's list of final codes): the token expires in a moment. The client
   * reconnects, calls its `connectionParams` function again (which returns a refreshed token) and resubscribes.
   */
  REAUTHENTICATE: 4410,
  IDLE: 4408,
  /** Retryable: the client did not read its events fast enough (bounded buffers); counted in metrics. */
  SLOW_CONSUMER: 4008,
} as const;

export type TokenSource = { header: string } | { problem: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The `Authorization` value a `connection_init` payload carries, or what is wrong with it. */
export function authorizationFromConnectionParams(params: Record<string, unknown> | null | undefined): TokenSource {
  if (!params || typeof params !== "object") return { problem: "connection_init has no payload: send { authorization: \"Bearer <access token>\" }" };
  const headers = params.headers && typeof params.headers === "object" ? (params.headers as Record<string, unknown>) : undefined;
  const value = params.authorization ?? params.Authorization ?? headers?.authorization ?? headers?.Authorization;
  if (value === undefined || value === null || value === "") {
    return { problem: "connection_init has no access token: send { authorization: \"Bearer <access token>\" }" };
  }
  if (typeof value !== "string") return { problem: "connection_init authorization must be a string \"Bearer <access token>\"" };
  return checkBearer(value);
}

/** `Bearer <JWT>`, or what is wrong with the value (scheme, or a token that is not a JWT). */
export function checkBearer(value: string): TokenSource {
  const trimmed = value.trim();
  const space = trimmed.indexOf(" ");
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== "bearer" || space < 0) {
    return { problem: "authorization must use the Bearer scheme: \"Bearer <access token>\"" };
  }
  const token = trimmed.slice(space + 1).trim();
  if (!JWT_SHAPE.test(token)) return { problem: "the Bearer token is not a JWT (three base64url parts separated by dots)" };
  // The verifier expects exactly `Bearer <token>`.
  return { header: `Bearer ${token}` };
}

/** A close reason fits in 123 bytes (RFC 6455); ours are short ASCII, cut defensively. */
export function closeReason(text: string): string {
  return text.length <= 120 ? text : `${text.slice(0, 117)}...`;
}

/**
 * When to close a connection authenticated by a token expiring at `expSeconds`: `leadMs` before its expiry;
 * a token presented already inside that window lives until its expiry (no reconnect loop with a client that
 * refreshes only expired tokens). Null when the token has no expiry.
 */
export function reauthenticateAt(expSeconds: number | undefined, leadMs: number, now = Date.now()): number | null {
  if (typeof expSeconds !== "number") return null;
  const expiresAt = expSeconds * 1000;
  const early = expiresAt - leadMs;
  return early > now ? early : expiresAt;
}
