// Subscriptions through the router over graphql-ws (`graphql-transport-ws`) on /graphql beside HTTP. What
// every transport shares lives in core.ts; this file is the WebSocket transport:
//  - upgrade: per-IP connection rate (shared store, so across replicas) → HTTP 429 before the handshake;
//  - connection_init: the token from `authorization`, `Authorization` or `headers.authorization`
//    (connection-auth.ts), verified as over HTTP → 4401 with a reason saying what was wrong, 1013 when it
//    cannot be checked now; 4410 (retryable) shortly before the token expires; 4401 "session revoked";
//  - each subscribe: per-connection and per-user limits, then core.prepare (limits, validation, cost, rate
//    limits, authorization directives, plan) and core.attach (the shared group of its scope and selection);
//  - backpressure: a subscriber whose socket buffers more than SUBSCRIPTION_MAX_BUFFERED_BYTES, or with more
//    than SUBSCRIPTION_MAX_QUEUED_EVENTS events waiting, is closed with 4008 and counted;
//  - keepalive ping/pong, connection_init timeout and idle timeout (4408); stop() closes sockets with 1001.
// Errors of a subscribe are graphql-ws `error` messages with the same `extensions.code`s as HTTP.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { VerifiedCaller } from "../auth.js";
import { CLOSE, authorizationFromConnectionParams } from "./connection-auth.js";
import { createSubscriptionCore, type PreparedSubscription, type SubscriptionCore, type SubscriptionCoreOptions } from "./core.js";
import type { Member } from "./fanout.js";

export { CLOSE } from "./connection-auth.js";

export interface SubscriptionServerOptions extends SubscriptionCoreOptions {
  server: Server;
  clientIp(req: IncomingMessage): string | null;
}

interface Connection {
  caller: VerifiedCaller | null;
  client: { ip: string | null; userAgent: string | null };
  /** Subscription ids holding a slot (limits), and those accepted (the active gauge). */
  active: Set<string>;
  counted: Set<string>;
  /** Ends a running subscription at once (client `complete`, socket closed). */
  stops: Map<string, () => void>;
  /** Per-user slot releases, by subscription id. */
  slots: Map<string, () => void>;
  untrack?: () => void;
  idle?: NodeJS.Timeout;
}

/** What graphql-ws hands back to `subscribe` for an accepted subscribe. */
interface Accepted {
  id: string;
  socket: WebSocket;
  connection: Connection;
  prepared: PreparedSubscription;
}

const error = (message: string, code: string, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extensions } });

export function startSubscriptionServer(options: SubscriptionServerOptions): { stop(): Promise<void>; core: SubscriptionCore } {
  const { config, metrics } = options;
  const core = createSubscriptionCore(options);
  const log = core.log;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.OPERATION_MAX_BYTES * 2, perMessageDeflate: false });
  const connections = new Map<WebSocket, Connection>();

  const close = (socket: WebSocket, code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
  };

  const armIdle = (socket: WebSocket, connection: Connection) => {
    if (connection.idle) clearTimeout(connection.idle);
    connection.idle = undefined;
    if (connection.active.size > 0 || socket.readyState !== socket.OPEN) return;
    connection.idle = setTimeout(() => close(socket, CLOSE.IDLE, "idle: no subscription"), config.SUBSCRIPTION_IDLE_TIMEOUT_MS);
    connection.idle.unref();
  };

  const release = (socket: WebSocket, connection: Connection, id: string) => {
    if (!connection.active.delete(id)) return;
    if (connection.counted.delete(id)) metrics.subscriptionsActive.dec();
    connection.slots.get(id)?.();
    connection.slots.delete(id);
    armIdle(socket, connection);
  };

  // ---- sockets: rate of new connections per IP, then the handshake ----
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== "/graphql") {
      socket.destroy();
      return;
    }
    void (async () => {
      // The same per-IP connection rate as the HTTP streaming transports (core.ts).
      const retryAfter = await core.connectionRate(options.clientIp(req));
      if (retryAfter !== null) {
        socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${retryAfter}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    })();
  };
  options.server.on("upgrade", onUpgrade);

  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    metrics.subscriptionSockets.inc();
    const connection: Connection = {
      caller: null,
      client: { ip: options.clientIp(req), userAgent: (req.headers["user-agent"] ?? "").slice(0, 512) || null },
      active: new Set(),
      counted: new Set(),
      stops: new Map(),
      slots: new Map(),
    };
    connections.set(socket, connection);
    socket.once("close", (code) => {
      metrics.subscriptionSockets.dec();
      metrics.subscriptionCloses.inc({ code: String(code) });
      connection.untrack?.();
      if (connection.idle) clearTimeout(connection.idle);
      // Subscriptions leave their groups now, not at their next event.
      for (const stop of [...connection.stops.values()]) stop();
      connections.delete(socket);
    });
  });

  // ---- graphql-ws protocol ----
  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: config.SUBSCRIPTION_INIT_TIMEOUT_MS,
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const connection = connections.get(socket);
        if (!connection) return false;
        const source = authorizationFromConnectionParams(ctx.connectionParams);
        if ("problem" in source) {
          metrics.authFailures.inc();
          close(socket, CLOSE.UNAUTHORIZED, source.problem);
          return false;
        }
        const outcome = await core.authenticate(source.header);
        if (!outcome.ok) {
          close(socket, outcome.code, outcome.reason);
          return false;
        }
        if (socket.readyState !== socket.OPEN) return false;
        const caller = outcome.caller;
        connection.caller = caller;
        connection.untrack = core.track({ caller, close: (code, reason) => close(socket, code, reason) }, outcome.closeAt);
        armIdle(socket, connection);
        return true;
      },
      async onSubscribe(ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> {
        const socket = ctx.extra.socket;
        const connection = connections.get(socket);
        const caller = connection?.caller;
        if (!connection || !caller) return [error("Not authenticated", "UNAUTHENTICATED")];
        if (connection.active.size >= config.SUBSCRIPTION_MAX_PER_CONNECTION) {
          return [error(`At most ${config.SUBSCRIPTION_MAX_PER_CONNECTION} subscriptions per connection`, "SUBSCRIPTION_LIMIT", { limit: "perConnection", max: config.SUBSCRIPTION_MAX_PER_CONNECTION })];
        }
        // The slots are taken before anything is awaited: concurrent subscribes cannot overshoot the limits.
        const slot = core.reserve(caller);
        if (slot instanceof GraphQLError) return [slot];
        connection.active.add(id);
        connection.slots.set(id, slot);
        armIdle(socket, connection);
        const prepared = await core.prepare(caller, connection.client, payload, "websocket");
        if (Array.isArray(prepared)) {
          release(socket, connection, id);
          return prepared;
        }
        if (!connection.active.has(id)) return [error("The subscription was completed", "BAD_REQUEST")];
        // Counted once accepted: the gauge says how many subscriptions are really live.
        connection.counted.add(id);
        metrics.subscriptionsActive.inc();
        const accepted: Accepted = { id, socket, connection, prepared: prepared as PreparedSubscription };
        return { schema: accepted.prepared.schema, document: accepted.prepared.planned, operationName: accepted.prepared.operationName, contextValue: accepted };
      },
      // Formatted results (errors already masked and in response form): sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      subscribe: (args) => memberStream(args.contextValue as Accepted) as unknown as AsyncGenerator<ExecutionResult>,
      execute: () => ({ errors: [error("Only subscriptions are served over WebSocket", "BAD_REQUEST")] }),
      onComplete(ctx, id) {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return;
        connection.stops.get(id)?.();
        release(ctx.extra.socket, connection, id);
      },
    },
    wss,
    config.SUBSCRIPTION_KEEPALIVE_MS,
  );

  /**
   * One client subscription as graphql-ws consumes it: a member of its shared group with a bounded queue.
   * `return()` (client `complete`, socket closed) leaves the group at once.
   */
  function memberStream({ id, socket, connection, prepared }: Accepted): AsyncIterableIterator<FormattedExecutionResult> {
    const queue: FormattedExecutionResult[] = [];
    /** When each queued result's event arrived at the router (the last, ending result has none). */
    const arrivals: number[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const member: Member = {
      deliver(result, arrivedAt) {
        if (done) return;
        if (queue.length >= config.SUBSCRIPTION_MAX_QUEUED_EVENTS || socket.bufferedAmount > config.SUBSCRIPTION_MAX_BUFFERED_BYTES) {
          done = true;
          core.slowConsumer("graphql-ws");
          close(socket, CLOSE.SLOW_CONSUMER, "slow consumer: events were not read fast enough");
          wake?.();
          return;
        }
        queue.push(result);
        arrivals.push(arrivedAt);
        wake?.();
      },
      end(result) {
        if (result) queue.push(result);
        done = true;
        wake?.();
      },
    };
    const leave = core.attach(prepared, member);
    const stop = () => {
      done = true;
      leave();
      wake?.();
    };
    connection.stops.set(id, stop);
    const finish = (): IteratorResult<FormattedExecutionResult> => {
      stop();
      connection.stops.delete(id);
      release(socket, connection, id);
      return { value: undefined, done: true };
    };
    return {
      async next() {
        for (;;) {
          const result = queue.shift();
          if (result) {
            const arrivedAt = arrivals.shift();
            if (arrivedAt !== undefined) core.delivered(arrivedAt);
            metrics.subscriptionEvents.inc();
            return { value: result, done: false };
          }
          if (done) return finish();
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      async return() {
        queue.length = 0;
        arrivals.length = 0;
        return finish();
      },
      async throw() {
        queue.length = 0;
        arrivals.length = 0;
        return finish();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  return {
    core,
    async stop() {
      options.server.off("upgrade", onUpgrade);
      await disposable.dispose();
      await core.stop();
    },
  };
}
