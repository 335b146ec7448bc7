// graphql-ws clients for tests: a real `graphql-ws` client over `ws` against the router's /graphql, with
// the events, errors and close of each subscription recorded so tests can wait for them.
import { createClient, type Client, type FormattedExecutionResult as Result } from "graphql-ws";
import WebSocket from "ws";

type FormattedExecutionResult = Result<Record<string, unknown>, unknown>;

export interface LiveSubscription {
  events: FormattedExecutionResult[];
  errors: unknown[];
  completed: boolean;
  /** Resolves with the first event matching `predicate` (or rejects after `timeoutMs`, a safety net only). */
  next(predicate?: (event: FormattedExecutionResult) => boolean, timeoutMs?: number): Promise<FormattedExecutionResult>;
  /** Resolves when the subscription ends with an error (graphql-ws `error` message) or a close. */
  failed(timeoutMs?: number): Promise<unknown>;
  stop(): void;
}

export interface LiveClient {
  client: Client;
  /** Resolves with the socket's close event { code, reason } once it closes. */
  closed: Promise<{ code: number; reason: string }>;
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  dispose(): Promise<void>;
}

export function wsUrl(routerUrl: string): string {
  return routerUrl.replace(/^http/, "ws");
}

/** A client that connects at once (not lazy) with `Authorization: Bearer <token>` in connection_init. */
export function liveClient(
  routerUrl: string,
  token: string | undefined,
  connectionParams?: Record<string, unknown>,
  options: { headers?: Record<string, string> } = {},
): LiveClient {
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const headers = options.headers;
  // Headers on the upgrade request (e.g. X-Forwarded-For through a trusted proxy), when given.
  const webSocketImpl = headers
    ? class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers });
        }
      }
    : WebSocket;
  const client = createClient({
    url: wsUrl(routerUrl),
    webSocketImpl,
    lazy: false,
    retryAttempts: 0,
    connectionParams: connectionParams ?? (token ? { Authorization: `Bearer ${token}` } : {}),
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const close = event as { code: number; reason: string | Buffer };
        resolveClosed({ code: close.code, reason: String(close.reason) });
      },
    },
  });
  return {
    client,
    closed,
    subscribe(query, variables = {}) {
      const waiters: { predicate: (event: FormattedExecutionResult) => boolean; resolve: (event: FormattedExecutionResult) => void }[] = [];
      const failWaiters: ((error: unknown) => void)[] = [];
      const live: LiveSubscription = {
        events: [],
        errors: [],
        completed: false,
        next(predicate = () => true, timeoutMs = 30_000) {
          const found = live.events.find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms: ${JSON.stringify(live.events).slice(0, 500)} ${JSON.stringify(live.errors).slice(0, 300)}`)), timeoutMs);
            timer.unref(); // a safety net must not keep the test process alive
            waiters.push({ predicate, resolve: (event) => (clearTimeout(timer), resolve(event)) });
          });
        },
        failed(timeoutMs = 30_000) {
          if (live.errors.length > 0) return Promise.resolve(live.errors[0]);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`subscription did not fail within ${timeoutMs} ms`)), timeoutMs);
            timer.unref();
            failWaiters.push((error) => (clearTimeout(timer), resolve(error)));
          });
        },
        stop: () => unsubscribe(),
      };
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next(event) {
            live.events.push(event);
            for (const waiter of [...waiters]) {
              if (waiter.predicate(event)) {
                waiters.splice(waiters.indexOf(waiter), 1);
                waiter.resolve(event);
              }
            }
          },
          error(error) {
            live.errors.push(error);
            for (const waiter of failWaiters.splice(0)) waiter(error);
          },
          complete() {
            live.completed = true;
          },
        },
      );
      return live;
    },
    async dispose() {
      await client.dispose();
    },
  };
}

/**
 * What one subscribe through the router comes to, in the shape of an HTTP GraphQL response (for the
 * security matrix): a close at connection_init (4401 → UNAUTHENTICATED, other codes → FORBIDDEN), the
 * subscribe's `error` message, or, once the router counts it active (its /metrics gauge, polled: the
 * router increments it only after every check passed), `{ data: { <root field>: "subscribed" } }`.
 */
export async function subscriptionOutcome(
  routerUrl: string,
  routerPort: number,
  query: string,
  variables: Record<string, unknown>,
  token: string | undefined,
  activeSubscriptions: (port: number) => Promise<number>,
): Promise<{ status: number; headers: Headers; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const headers = new Headers();
  const before = await activeSubscriptions(routerPort);
  const client = liveClient(routerUrl, token, token ? undefined : {});
  try {
    const live = client.subscribe(query, variables);
    let accepted = false;
    const outcome = await Promise.race([
      client.closed.then((close) => ({
        status: 200,
        headers,
        body: { errors: [{ message: close.reason, extensions: { code: close.code === 4401 ? "UNAUTHENTICATED" : "FORBIDDEN" } }] },
      })),
      live
        .failed(600_000)
        .then((errors) => ({ status: 200, headers, body: { errors: errors as { message: string; extensions?: { code?: string } }[] } })),
      (async () => {
        while (!accepted && (await activeSubscriptions(routerPort)) <= before) await new Promise((resolve) => setTimeout(resolve, 25));
        const root = /\{\s*(\w+)/.exec(query.slice(query.indexOf("{")))?.[1] ?? "subscription";
        return { status: 200, headers, body: { data: { [root]: "subscribed" } } };
      })(),
    ]);
    accepted = true;
    await client.dispose();
    // The next caller's baseline must not include this one: wait until the router has released it.
    if ("data" in outcome.body) while ((await activeSubscriptions(routerPort)) > before) await new Promise((resolve) => setTimeout(resolve, 25));
    return outcome;
  } finally {
    await client.dispose();
  }
}
