// How the playground talks to the router: HTTP for queries and mutations (GraphiQL's toolkit fetcher, so
// @defer's multipart responses work), graphql-ws for subscriptions. Every request carries the signed-in
// session's token (session.js). Whatever goes wrong is shown as GraphQL errors the way the server sent
// them (message, extensions.code, path), never as a JavaScript exception: HTTP errors keep their body,
// a refused subscription shows the server's `error` message, every socket close becomes an error with its
// close code and reason.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { parse } from "graphql";
import { createClient } from "graphql-ws";
import { recordResult } from "./results.js";
import { withSession } from "./session.js";

/** Close codes of the router (docs/realtime.md) and of WebSocket itself, by name. */
const CLOSE_CODES = {
  1000: "SOCKET_CLOSED",
  1001: "GOING_AWAY",
  1006: "SOCKET_LOST",
  1011: "INTERNAL_SERVER_ERROR",
  1013: "TRY_AGAIN_LATER",
  4008: "SLOW_CONSUMER",
  4400: "BAD_REQUEST",
  4401: "UNAUTHENTICATED",
  4403: "FORBIDDEN",
  4406: "SUBPROTOCOL_NOT_ACCEPTABLE",
  4408: "CONNECTION_TIMEOUT",
  4409: "SUBSCRIBER_ALREADY_EXISTS",
  4410: "REAUTHENTICATE",
  4429: "TOO_MANY_REQUESTS",
  4500: "INTERNAL_SERVER_ERROR",
};

const errorResult = (message, code, extra = {}) => ({ errors: [{ message, extensions: { code, ...extra } }] });

/** A subscription's failure, as a GraphQL result: server errors as sent, closes with their code and reason. */
export function subscriptionFailure(failure) {
  if (Array.isArray(failure)) return { errors: failure };
  if (failure && typeof failure === "object" && typeof failure.code === "number") {
    const name = CLOSE_CODES[failure.code] ?? "SOCKET_CLOSED";
    const reason = failure.reason || (failure.code === 1006 ? "the connection to the router was lost" : "no reason given");
    return errorResult(`The subscription socket was closed (${failure.code}): ${reason}`, name, { closeCode: failure.code });
  }
  if (failure instanceof Error) return errorResult(failure.message, "SUBSCRIPTION_FAILED");
  return errorResult("The subscription socket could not be opened: is the router reachable?", "NETWORK_ERROR");
}

function isSubscription(params) {
  try {
    const operations = parse(params.query).definitions.filter((definition) => definition.kind === "OperationDefinition");
    const chosen = params.operationName
      ? operations.find((operation) => operation.name?.value === params.operationName)
      : operations.length === 1 ? operations[0] : undefined;
    return chosen?.operation === "subscription";
  } catch {
    return false;
  }
}

const jsonResponse = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });

/** fetch for the toolkit: records JSON results, and turns network failures and non-GraphQL bodies into errors. */
async function observedFetch(input, init) {
  let response;
  try {
    response = await fetch(input, init);
  } catch {
    return jsonResponse(502, errorResult("The router could not be reached", "NETWORK_ERROR"));
  }
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/")) return response;
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    recordResult(body);
    return new Response(text, { status: response.status, headers: { "content-type": type } });
  } catch {
    return jsonResponse(response.status, errorResult(`HTTP ${response.status}: ${text.slice(0, 300) || response.statusText}`, `HTTP_${response.status}`));
  }
}

/** A subscription over graphql-ws as the async iterable GraphiQL reads; failures end it with an error result. */
function subscribe(url, params, headers) {
  const client = createClient({
    url,
    lazy: true,
    // Reconnects (with a fresh token: connectionParams is called again) after retryable closes such as
    // 4410 shortly before the token expires; graphql-ws never retries its final codes (4401, 4403 ...).
    retryAttempts: 5,
    connectionParams: () => withSession(headers),
  });
  const queue = [];
  let wake;
  let done = false;
  const push = (item) => {
    queue.push(item);
    wake?.();
  };
  const unsubscribe = client.subscribe(params, {
    next: (value) => {
      recordResult(value);
      push({ value });
    },
    error: (failure) => {
      const value = subscriptionFailure(failure);
      recordResult(value);
      push({ value, last: true });
    },
    complete: () => push({ complete: true }),
  });
  const close = () => {
    done = true;
    unsubscribe();
    void client.dispose();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (!done) {
        const item = queue.shift();
        if (!item) {
          await new Promise((resolve) => (wake = resolve));
          continue;
        }
        if (item.complete) break;
        if (item.last) close();
        return { value: item.value, done: false };
      }
      close();
      return { value: undefined, done: true };
    },
    async return() {
      close();
      return { value: undefined, done: true };
    },
  };
}

export function createFetcher(endpoint, subscriptionEndpoint) {
  const http = createGraphiQLFetcher({ url: endpoint, fetch: observedFetch });
  return (params, options) => {
    const headers = options?.headers ?? {};
    if (isSubscription(params)) return subscribe(subscriptionEndpoint, params, headers);
    return http(params, { ...options, headers: withSession(headers) });
  };
}
