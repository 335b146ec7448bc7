// Subscriptions through the router over graphql-ws (`graphql-transport-ws`) on /graphql beside HTTP. What
// every transport shares lives in core.ts; this file is the WebSocket transport:
//  - upgrade: per-IP connection rate (shared store, so across replicas) → HTTP 429 before the handshake;
//  - connection_init: the token from `authorization`, `Authorization` or `headers.authorization`
//    (connection-auth.ts), verified as over HTTP → 4401 with a reason saying what was wrong, 1013 when it
//    cannot be checked now; 4410 (retryable) shortly before the token expires; 4401 "session revoked";
//  - each subscribe: per-connection and per-user limits, then core.prepare (limits, validation, cost, rate
//    limits, authorization directives, plan) and core.attach (the shared group of its scope and selection);
//  - backpressure (4008, counted): a socket buffering more than SUBSCRIPTION_MAX_BUFFERED_BYTES, judged at
//    once (graphql-ws awaits each send: the socket holds one event per subscription, a burst waits in the
//    queue), or a subscription whose queue STAYS above SUBSCRIPTION_MAX_QUEUED_EVENTS: events reaching the
//    router together fill it within one turn, before graphql-ws sent the first, so a healthy subscriber
//    passes the limit for a moment; backlog.ts drops it above the limit for 2 s, or above 4× (hard cap) at once;
//  - keepalive ping/pong (one sweep for all sockets, ws-transport.ts), connection_init timeout and idle
//    timeout (4408); stop() closes sockets with 1001.
// Errors of a subscribe are graphql-ws `error` messages with the same `extensions.code`s as HTTP.
// Memory: a router holds thousands of mostly idle sockets, so what stays per socket is kept small: one
// Connection with one map of its subscriptions, a MemberStream per subscription (methods on the prototype,
// no closures), no timer per socket once it is initialised and subscribed (ws-transport.ts, core.track).
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult } from "graphql";
import { CloseCode, handleProtocols } from "graphql-ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { VerifiedCaller } from "../auth.js";
import { fallenBehind, type BacklogState } from "./backlog.js";
import { CLOSE, authorizationFromConnectionParams } from "./connection-auth.js";
import { createSubscriptionCore, type PreparedSubscription, type SubscriptionCore, type SubscriptionCoreOptions } from "./core.js";
import type { Member } from "./fanout.js";
import { graphqlWsServer } from "./ws-transport.js";

export { CLOSE } from "./connection-auth.js";

export interface SubscriptionServerOptions extends SubscriptionCoreOptions {
  server: Server;
  clientIp(req: IncomingMessage): string | null;
}

/** One subscription id of a socket: its per-user slot, whether the active gauge counts it, how to end it. */
interface Slot {
  release: () => void;
  counted: boolean;
  stream?: MemberStream;
}

interface Connection {
  caller: VerifiedCaller | null;
  client: { ip: string | null; userAgent: string | null };
  /** Subscription ids holding a slot (limits), accepted or still being admitted. */
  slots: Map<string, Slot>;
  untrack?: () => void;
  /** connection_init, then idle (no subscription) timeouts; absent while subscribed. */
  timer?: NodeJS.Timeout;
  /** graphql-ws's side of the socket, told when it closes. */
  closed?: (code: number, reason: string) => void;
}

/** What graphql-ws hands back to `subscribe` for an accepted subscribe. */
interface Accepted {
  id: string;
  socket: WebSocket;
  connection: Connection;
  /** Until it joins its group (which keeps one for all its members): not held per subscription after. */
  prepared: PreparedSubscription | null;
}

/** What every MemberStream of a server shares. */
interface Hub {
  core: SubscriptionCore;
  maxQueued: number;
  maxBuffered: number;
  countEvent(): void;
  close(socket: WebSocket, code: number, reason: string): void;
  release(socket: WebSocket, connection: Connection, id: string): void;
  /** Closes a socket that does not keep up (4008, counted once) and releases all its subscriptions now. */
  dropSlowConsumer(socket: WebSocket, connection: Connection): void;
}

const DONE: IteratorResult<FormattedExecutionResult> = Object.freeze({ value: undefined, done: true });

/**
 * One client subscription as graphql-ws consumes it: a member of its shared group with a bounded queue.
 * A subscriber whose queue stays more than `maxQueued` events behind (backlog.ts), or whose socket buffers
 * more than `maxBuffered` bytes, is dropped with 4008 (graphql-ws awaits each send, so a socket that is not
 * read backs up into the queue). `return()` (client `complete`, socket closed) leaves the group at once.
 */
class MemberStream implements Member, AsyncIterableIterator<FormattedExecutionResult>, BacklogState {
  private queue: FormattedExecutionResult[] = [];
  /** Since when the queue has been above `maxQueued` (backlog.ts), -1 when it is not. */
  overSince = -1;
  /** When each queued result's event arrived at the router (an ending result has none). */
  private arrivals: number[] = [];
  /** graphql-ws waiting in next(). */
  private waiting: ((result: IteratorResult<FormattedExecutionResult>) => void) | undefined;
  private done = false;
  private finished = false;
  private leave: (() => void) | undefined;

  constructor(
    private readonly hub: Hub,
    private readonly accepted: Accepted,
  ) {
    this.leave = accepted.prepared ? hub.core.attach(accepted.prepared, this) : undefined;
    // graphql-ws keeps `accepted` (its context value) for the subscription's life; the group has what it needs.
    accepted.prepared = null;
  }

  deliver(result: FormattedExecutionResult, arrivedAt: number) {
    if (this.done) return;
    const { hub, accepted } = this;
    const socket = accepted.socket;
    if (socket.readyState !== socket.OPEN) {
      this.stop();
      return;
    }
    if (socket.bufferedAmount > hub.maxBuffered || fallenBehind(this, this.queue.length + 1, hub.maxQueued)) {
      hub.dropSlowConsumer(socket, accepted.connection);
      return;
    }
    if (this.waiting) {
      hub.core.delivered(arrivedAt);
      hub.countEvent();
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting({ value: result, done: false });
      return;
    }
    this.queue.push(result);
    this.arrivals.push(arrivedAt);
  }

  end(result?: FormattedExecutionResult) {
    if (result && !this.done) {
      this.queue.push(result);
      this.arrivals.push(-1);
    }
    this.done = true;
    this.wakeUp();
  }

  /** Leaves the group now (client `complete`, socket closed, slow consumer); queued results are still read. */
  stop() {
    this.done = true;
    this.leave?.();
    this.leave = undefined;
    this.wakeUp();
  }

  next(): Promise<IteratorResult<FormattedExecutionResult>> {
    const result = this.queue.shift();
    if (result) {
      const arrivedAt = this.arrivals.shift()!;
      if (arrivedAt >= 0) this.hub.core.delivered(arrivedAt);
      this.hub.countEvent();
      return Promise.resolve({ value: result, done: false });
    }
    if (this.done) return Promise.resolve(this.finish());
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<FormattedExecutionResult>> {
    this.queue.length = 0;
    this.arrivals.length = 0;
    return Promise.resolve(this.finish());
  }

  throw(): Promise<IteratorResult<FormattedExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** graphql-ws waiting in next() gets what is queued, or the end. */
  private wakeUp() {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    void this.next().then(waiting);
  }

  private finish(): IteratorResult<FormattedExecutionResult> {
    this.stop();
    if (!this.finished) {
      this.finished = true;
      const { socket, connection, id } = this.accepted;
      const slot = connection.slots.get(id);
      if (slot?.stream === this) slot.stream = undefined;
      this.hub.release(socket, connection, id);
    }
    return DONE;
  }
}

const error = (message: string, code: string, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extensions } });

export function startSubscriptionServer(options: SubscriptionServerOptions): { stop(): Promise<void>; core: SubscriptionCore } {
  const { config, metrics } = options;
  const core = createSubscriptionCore(options);
  const log = core.log;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.OPERATION_MAX_BYTES * 2, perMessageDeflate: false, handleProtocols, clientTracking: false });
  const connections = new Map<WebSocket, Connection>();

  const close = (socket: WebSocket, code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
  };

  /** Idle timeout: armed while the socket has no subscription, released as soon as it has one. */
  const armIdle = (socket: WebSocket, connection: Connection) => {
    if (connection.timer) clearTimeout(connection.timer);
    connection.timer = undefined;
    if (connection.slots.size > 0 || socket.readyState !== socket.OPEN) return;
    connection.timer = setTimeout(() => close(socket, CLOSE.IDLE, "idle: no subscription"), config.SUBSCRIPTION_IDLE_TIMEOUT_MS);
    connection.timer.unref();
  };

  const release = (socket: WebSocket, connection: Connection, id: string) => {
    const slot = connection.slots.get(id);
    if (!slot) return;
    connection.slots.delete(id);
    if (slot.counted) metrics.subscriptionsActive.dec();
    slot.release();
    armIdle(socket, connection);
  };

  const hub: Hub = {
    core,
    maxQueued: config.SUBSCRIPTION_MAX_QUEUED_EVENTS,
    maxBuffered: config.SUBSCRIPTION_MAX_BUFFERED_BYTES,
    countEvent: () => metrics.subscriptionEvents.inc(),
    close,
    release,
    dropSlowConsumer(socket, connection) {
      if (socket.readyState !== socket.OPEN) return;
      core.slowConsumer("graphql-ws");
      close(socket, CLOSE.SLOW_CONSUMER, "slow consumer: events were not read fast enough");
      // Its subscriptions leave their groups and free their slots now: the close handshake waits behind
      // everything already buffered for a client that does not read (up to ws's 30 s close timeout).
      for (const [id, slot] of [...connection.slots]) {
        slot.stream?.stop();
        release(socket, connection, id);
      }
    },
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

  // ---- graphql-ws protocol ----
  const protocol = graphqlWsServer(
    {
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const connection = connections.get(socket);
        if (!connection) return false;
        // connection_init arrived: its timeout is over (the idle one is armed once authenticated).
        if (connection.timer) clearTimeout(connection.timer);
        connection.timer = undefined;
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
        if (connection.slots.size >= config.SUBSCRIPTION_MAX_PER_CONNECTION) {
          return [error(`At most ${config.SUBSCRIPTION_MAX_PER_CONNECTION} subscriptions per connection`, "SUBSCRIPTION_LIMIT", { limit: "perConnection", max: config.SUBSCRIPTION_MAX_PER_CONNECTION })];
        }
        // The slots are taken before anything is awaited: concurrent subscribes cannot overshoot the limits.
        const reserved = core.reserve(caller);
        if (reserved instanceof GraphQLError) return [reserved];
        const slot: Slot = { release: reserved, counted: false };
        connection.slots.set(id, slot);
        armIdle(socket, connection);
        const prepared = await core.prepare(caller, connection.client, payload, "websocket");
        if (Array.isArray(prepared)) {
          release(socket, connection, id);
          return prepared;
        }
        if (connection.slots.get(id) !== slot) return [error("The subscription was completed", "BAD_REQUEST")];
        // Counted once accepted: the gauge says how many subscriptions are really live.
        slot.counted = true;
        metrics.subscriptionsActive.inc();
        const admitted = prepared as PreparedSubscription;
        const accepted: Accepted = { id, socket, connection, prepared: admitted };
        return { schema: admitted.schema, document: admitted.planned, operationName: admitted.operationName, contextValue: accepted };
      },
      // Formatted results (errors already masked and in response form): sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      subscribe: (args) => {
        const accepted = args.contextValue as Accepted;
        const stream = new MemberStream(hub, accepted);
        const slot = accepted.connection.slots.get(accepted.id);
        if (slot) slot.stream = stream;
        return stream as unknown as AsyncGenerator<ExecutionResult>;
      },
      execute: () => ({ errors: [error("Only subscriptions are served over WebSocket", "BAD_REQUEST")] }),
      onComplete(ctx, id) {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return;
        connection.slots.get(id)?.stream?.stop();
        release(ctx.extra.socket, connection, id);
      },
    },
    log,
  );

  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    metrics.subscriptionSockets.inc();
    const connection: Connection = {
      caller: null,
      client: { ip: options.clientIp(req), userAgent: (req.headers["user-agent"] ?? "").slice(0, 512) || null },
      slots: new Map(),
    };
    connections.set(socket, connection);
    connection.timer = setTimeout(() => close(socket, CloseCode.ConnectionInitialisationTimeout, "Connection initialisation timeout"), config.SUBSCRIPTION_INIT_TIMEOUT_MS);
    connection.timer.unref();
    connection.closed = protocol.open(socket);
    socket.once("close", (code: number, reason: Buffer) => {
      metrics.subscriptionSockets.dec();
      metrics.subscriptionCloses.inc({ code: String(code) });
      connection.untrack?.();
      if (connection.timer) clearTimeout(connection.timer);
      // Subscriptions leave their groups now, not at their next event.
      for (const slot of connection.slots.values()) slot.stream?.stop();
      connections.delete(socket);
      void connection.closed?.(code, String(reason));
    });
  });

  // One keepalive sweep for every socket (not a timer per socket).
  const keepalive = setInterval(() => protocol.sweep(connections.keys()), config.SUBSCRIPTION_KEEPALIVE_MS);
  keepalive.unref();

  return {
    core,
    async stop() {
      options.server.off("upgrade", onUpgrade);
      clearInterval(keepalive);
      for (const socket of connections.keys()) close(socket, CLOSE.GOING_AWAY, "Going away");
      wss.removeAllListeners();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await core.stop();
    },
  };
}
