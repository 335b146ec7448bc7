// The two HTTP framings of a subscription's results on /graphql (docs/realtime.md#transports):
//  - multipart: Apollo's multipart HTTP subscription protocol (Apollo Client's HttpLink asks for it with
//    `Accept: multipart/mixed;boundary=graphql;subscriptionSpec=1.0`): each result is a part
//    `{"payload": <result>}`, a heartbeat part `{}` every SUBSCRIPTION_HEARTBEAT_MS, a transport-level error
//    `{"payload": null, "errors": [...]}`, and the closing boundary when the subscription ends;
//  - sse: graphql-sse's "distinct connections" mode (`Accept: text/event-stream`): `event: next` with the
//    result, `event: complete` at the end, a comment line as keepalive.
import type { FormattedExecutionResult } from "graphql";

export interface Framing {
  contentType: string;
  /** Written once, right after the headers. */
  start: string;
  next(result: FormattedExecutionResult): string;
  heartbeat: string;
  /**
   * The last words of a stream the router ends: `retry` says whether the client should come back (token
   * about to expire, slow consumer) or not (revoked, refused). An SSE stream that should be retried ends
   * without `complete`, which graphql-sse's client treats as a network failure and retries (calling its
   * `headers` function again, so a refreshed token is sent).
   */
  end(error: { message: string; code: string } | undefined, retry: boolean): string;
  /** The subscription completed normally. */
  complete: string;
}

const BOUNDARY = "graphql";
/**
 * A part followed at once by the next delimiter: a multipart reader hands a part over only when it sees the
 * delimiter after it, so writing the delimiter last delivers each result without waiting for the next one.
 */
const part = (json: string) => `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n--${BOUNDARY}`;

export const multipart: Framing = {
  contentType: `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`,
  start: `\r\n--${BOUNDARY}${part("{}")}`,
  next: (result) => part(JSON.stringify({ payload: result })),
  heartbeat: part("{}"),
  // `--` after the last delimiter makes it the closing one.
  end: (error) => `${error ? part(JSON.stringify({ payload: null, errors: [{ message: error.message, extensions: { code: error.code } }] })) : ""}--\r\n`,
  complete: "--\r\n",
};

export const sse: Framing = {
  contentType: "text/event-stream; charset=utf-8",
  start: ":\n\n",
  next: (result) => `event: next\ndata: ${JSON.stringify(result)}\n\n`,
  heartbeat: ":\n\n",
  end: (error, retry) =>
    retry ? "" : `${error ? `event: next\ndata: ${JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] })}\n\n` : ""}event: complete\ndata:\n\n`,
  complete: "event: complete\ndata:\n\n",
};

/**
 * Which streaming transport an HTTP request asks for, from its Accept header (null: an ordinary request).
 * SSE only when `text/event-stream` comes before any JSON type: urql lists it after them on every query
 * (`application/graphql-response+json, ..., text/event-stream, multipart/mixed`), and first on subscriptions.
 */
export function streamingKind(accept: string | undefined): "multipart" | "sse" | null {
  if (!accept) return null;
  const lower = accept.toLowerCase();
  if (lower.includes("multipart/mixed") && lower.includes("subscriptionspec")) return "multipart";
  const eventStream = lower.indexOf("text/event-stream");
  if (eventStream < 0) return null;
  const json = lower.search(/application\/(graphql-response\+)?json/);
  return json < 0 || eventStream < json ? "sse" : null;
}

/**
 * `@defer`'s incremental delivery (docs/realtime.md#defer): the 2022-08-24 format Apollo Client and urql read,
 * framed as Apollo Server and Apollo Router frame it (boundary `-`). Each part is followed at once by the
 * next delimiter (see `part` above); the closing delimiter ends the response after the `hasNext: false` part.
 */
export const incrementalDelivery = {
  contentType: 'multipart/mixed; boundary="-"; deferSpec=20220824',
  first: (json: string) => `\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n---`,
  next: (json: string) => `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n---`,
  end: "--\r\n",
};

/**
 * Whether an Accept header takes `@defer`'s incremental delivery: `multipart/mixed` with `deferSpec=20220824`
 * (Apollo Client) or without a spec parameter (urql), not Apollo's multipart subscriptions (`subscriptionSpec`)
 * nor only the newer `incrementalSpec` format (not spoken here: such a client gets the whole result as JSON).
 */
export function acceptsIncrementalDelivery(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const range of accept.toLowerCase().split(",")) {
    const [type = "", ...params] = range.split(";").map((piece) => piece.trim());
    if (type !== "multipart/mixed") continue;
    if (params.some((param) => param === "q=0" || param.startsWith("q=0.0"))) continue;
    const spec = params.filter((param) => !param.startsWith("q=") && !param.startsWith("boundary="));
    if (spec.length === 0 || spec.some((param) => param.replace(/"/g, "") === "deferspec=20220824")) return true;
  }
  return false;
}
