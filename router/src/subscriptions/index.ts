// Subscriptions through the router: graphql-ws (`graphql-transport-ws`) on /graphql beside HTTP.
//  - upgrade: per-IP connection rate (shared store, so across replicas) → HTTP 429 before the handshake;
//  - connection_init `{ Authorization: "Bearer …" }`: the same token verification as HTTP (signature, claims,
//    revocation) → 4401 when missing/invalid, 1013 when it cannot be checked now; the socket is closed with
//    4401 "token expired" when the token expires, and with 4401 "session revoked" by a periodic, batched
//    check of the live sockets' sessions against the shared revocation set;
//  - each subscribe: per-connection and per-user subscription limits, operation limits, validation, cost,
//    rate limits (the caller's request and cost budgets, as HTTP), authorization directives (the same
//    OperationAuthorizer), then the federated plan (executor.ts) over an upstream socket (upstream.ts);
//  - backpressure: a client whose socket buffers more than SUBSCRIPTION_MAX_BUFFERED_BYTES, or whose
//    subscription has more than SUBSCRIPTION_MAX_QUEUED_EVENTS events waiting, is closed with 4008;
//  - keepalive ping/pong, connection_init timeout and idle timeout (4408); stop() closes sockets with 1001.
// Errors of a subscribe are graphql-ws `error` messages with the same `extensions.code`s as HTTP.
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ApolloGateway, ServiceMap } from "@apollo/gateway";
import { GraphQLError, getOperationAST, parse, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult, type GraphQLSchema } from "graphql";
import { getVariableValues } from "graphql/execution/values.js";
import { useServer } from "graphql-ws/use/ws";
import { decodeJwt } from "jose";
import { WebSocketServer, type WebSocket } from "ws";
import { maskError } from "../../../kernel/errors.js";
import type { IdentitySigner } from "../../../kernel/identity.js";
import type { Logger } from "../../../kernel/logger.js";
import { isSessionRevoked } from "../../../kernel/revocation.js";
import type { SharedStore } from "../../../kernel/shared-store.js";
import { AuthError, AuthUnavailableError, type TokenVerifier, type VerifiedCaller } from "../auth.js";
import { nullRemovedFields, type OperationAnalysis, type OperationAuthorizer } from "../authorization.js";
import type { RouterConfig } from "../config.js";
import type { RouterContext } from "../context.js";
import type { createRouterMetrics } from "../metrics.js";
import { operationCost } from "../protection/cost.js";
import type { TrustedDocuments } from "../protection/trusted-documents.js";
import type { OperationLimiter } from "../protection/operation-limits.js";
import type { RateLimiter } from "../protection/rate-limit.js";
import { SubscriptionPlanner, type SubscriptionPlan } from "./executor.js";
import { UpstreamPool } from "./upstream.js";

/** Close codes (docs/realtime.md). 4400/4401/4403/4408/4429/4500 follow graphql-ws; 4008 is ours. */
export const CLOSE = {
  GOING_AWAY: 1001,
  TRY_AGAIN_LATER: 1013,
  UNAUTHORIZED: 4401,
  IDLE: 4408,
  SLOW_CONSUMER: 4008,
} as const;

export interface SubscriptionServerOptions {
  server: Server;
  config: RouterConfig;
  logger: Logger;
  gateway: ApolloGateway;
  /** The supergraph as the gateway got it (authorization directives stripped). */
  gatewaySdl: string;
  subgraphUrls: ReadonlyMap<string, string>;
  apiSchema(): GraphQLSchema | undefined;
  signer: IdentitySigner;
  verifier: TokenVerifier;
  store: SharedStore;
  rateLimiter: RateLimiter;
  operationLimiter: OperationLimiter;
  /** The trusted-documents manifest (router/src/protection/trusted-documents.ts), applied as over HTTP. */
  trustedDocuments: TrustedDocuments;
  authorizer: OperationAuthorizer;
  clientIp(req: IncomingMessage): string | null;
  metrics: ReturnType<typeof createRouterMetrics>;
}

interface Connection {
  caller: VerifiedCaller | null;
  client: { ip: string | null; userAgent: string | null };
  /** Subscription ids holding a slot (limits), and those accepted (the active gauge). */
  active: Set<string>;
  counted: Set<string>;
  /** Ends a running subscription's upstream at once (client `complete`, socket closed). */
  stops: Map<string, () => void>;
  timers: Set<NodeJS.Timeout>;
  idle?: NodeJS.Timeout;
}

interface Prepared {
  id: string;
  socket: WebSocket;
  connection: Connection;
  plan: SubscriptionPlan;
  operationContext: ReturnType<SubscriptionPlanner["operationContext"]>;
  analysis: OperationAnalysis;
  original: DocumentNode;
  planned: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown>;
  requestId: string;
}

const error = (message: string, code: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extensions } });

export function startSubscriptionServer(options: SubscriptionServerOptions): { stop(): Promise<void> } {
  const { config, metrics, store } = options;
  const log = options.logger.child({ component: "subscriptions" });
  const planner = new SubscriptionPlanner(options.gatewaySdl);
  const upstream = new UpstreamPool(options.subgraphUrls, options.signer, log, config.SUBSCRIPTION_KEEPALIVE_MS);
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.OPERATION_MAX_BYTES * 2 });
  const connections = new Map<WebSocket, Connection>();
  const perUser = new Map<string, number>();

  /** The gateway's signed data sources (same signing, timeouts and resilience as HTTP queries). */
  let services: ServiceMap | undefined;
  const serviceMap = (): ServiceMap => {
    if (services) return services;
    const internal = (options.gateway as unknown as { serviceMap?: Record<string, { dataSource: ServiceMap[string] }> }).serviceMap;
    if (!internal) throw new Error("the gateway has no data sources yet");
    services = Object.fromEntries(Object.entries(internal).map(([name, { dataSource }]) => [name, dataSource]));
    return services;
  };

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

  const release = (prepared: Prepared) => {
    if (!prepared.connection.active.delete(prepared.id)) return;
    if (prepared.connection.counted.delete(prepared.id)) metrics.subscriptionsActive.dec();
    const userId = prepared.connection.caller?.userId;
    if (userId) {
      const left = (perUser.get(userId) ?? 1) - 1;
      if (left <= 0) perUser.delete(userId);
      else perUser.set(userId, left);
    }
    armIdle(prepared.socket, prepared.connection);
  };

  // ---- sockets: rate of new connections per IP, then the handshake ----
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== "/graphql") {
      socket.destroy();
      return;
    }
    const ip = options.clientIp(req) ?? "unknown";
    void (async () => {
      try {
        const [state] = await Promise.race([
          store.consume([{ key: `rl:ws:ip:${ip}`, amount: 1, windowMs: 60_000 }]),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), config.RATE_LIMIT_STORE_TIMEOUT_MS).unref()),
        ]);
        if (state && state.count > config.SUBSCRIPTION_CONNECTIONS_PER_MINUTE) {
          metrics.rateLimited.inc({ bucket: "ws-connections" });
          const retryAfter = Math.max(1, Math.ceil(state.resetMs / 1000));
          socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${retryAfter}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
          return;
        }
      } catch (failure) {
        // Store unreachable: connections are still authenticated one by one; do not lock everyone out.
        log.warn({ err: failure instanceof Error ? failure.message : String(failure) }, "connection rate limit not checked");
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
      timers: new Set(),
    };
    connections.set(socket, connection);
    socket.once("close", (code) => {
      metrics.subscriptionSockets.dec();
      metrics.subscriptionCloses.inc({ code: String(code) });
      for (const timer of connection.timers) clearTimeout(timer);
      if (connection.idle) clearTimeout(connection.idle);
      // Upstream subscriptions end now, not at their next event (a generator's return() waits for a yield).
      for (const stop of connection.stops.values()) stop();
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
        const params = ctx.connectionParams ?? {};
        const header = params.Authorization ?? params.authorization;
        if (typeof header !== "string" || header === "") {
          metrics.authFailures.inc();
          close(socket, CLOSE.UNAUTHORIZED, "connection_init must carry Authorization: Bearer <access token>");
          return false;
        }
        try {
          connection.caller = await options.verifier.verify(header);
        } catch (failure) {
          if (failure instanceof AuthUnavailableError) {
            close(socket, CLOSE.TRY_AGAIN_LATER, "access token cannot be checked right now");
            return false;
          }
          if (!(failure instanceof AuthError)) throw failure;
          metrics.authFailures.inc();
          close(socket, CLOSE.UNAUTHORIZED, failure.message.slice(0, 120));
          return false;
        }
        if (!connection.caller) {
          close(socket, CLOSE.UNAUTHORIZED, "connection_init must carry Authorization: Bearer <access token>");
          return false;
        }
        // The socket lives no longer than the token: the client reconnects with a fresh one.
        const exp = decodeJwt(header.trim().slice("Bearer ".length)).exp;
        if (typeof exp === "number") {
          const timer = setTimeout(() => close(socket, CLOSE.UNAUTHORIZED, "token expired"), Math.max(0, exp * 1000 - Date.now()));
          timer.unref();
          connection.timers.add(timer);
        }
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
        if ((perUser.get(caller.userId) ?? 0) >= config.SUBSCRIPTION_MAX_PER_USER) {
          return [error(`At most ${config.SUBSCRIPTION_MAX_PER_USER} subscriptions per user`, "SUBSCRIPTION_LIMIT", { limit: "perUser", max: config.SUBSCRIPTION_MAX_PER_USER })];
        }
        // The slot is taken before anything is awaited: concurrent subscribes cannot overshoot the limits.
        connection.active.add(id);
        perUser.set(caller.userId, (perUser.get(caller.userId) ?? 0) + 1);
        armIdle(socket, connection);
        const slot = { id, socket, connection } as Prepared;
        const prepared = await prepare(ctx.extra.socket, connection, caller, id, payload);
        if (Array.isArray(prepared)) release(slot);
        else {
          // Counted once accepted: the gauge says how many subscriptions are really live.
          connection.counted.add(id);
          metrics.subscriptionsActive.inc();
        }
        return prepared;
      },
      // Formatted results (errors already masked and in response form): sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      // Formatted results (errors already masked and in response form): graphql-ws passes them through.
      subscribe: (args) => liveResults(args.contextValue as Prepared) as unknown as AsyncGenerator<ExecutionResult>,
      execute: () => ({ errors: [error("Only subscriptions are served over WebSocket", "BAD_REQUEST")] }),
      onComplete(ctx, id) {
        const connection = connections.get(ctx.extra.socket);
        connection?.stops.get(id)?.();
        if (!connection?.active.has(id)) return;
        release({ id, socket: ctx.extra.socket, connection } as Prepared);
      },
    },
    wss,
    config.SUBSCRIPTION_KEEPALIVE_MS,
  );

  /** Checks and plans one subscribe: its execution arguments, or the errors to answer with. */
  async function prepare(
    socket: WebSocket,
    connection: Connection,
    caller: VerifiedCaller,
    id: string,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const query = payload.query;
    const operationName = payload.operationName ?? null;
    const rawVariables = payload.variables ?? {};
    const trust = options.trustedDocuments.check(query);
    if (!trust.trusted) {
      metrics.untrustedOperations.inc({ action: trust.refuse ? "refused" : "logged" });
      log.warn({ hash: trust.hash, operationName, refused: trust.refuse }, "subscription not in the trusted-documents manifest");
      if (trust.refuse) return [error("Operation is not in the trusted-documents manifest", "OPERATION_NOT_TRUSTED", { hash: trust.hash })];
    }
    const violation = options.operationLimiter.check(query);
    if (violation) {
      metrics.operationLimits.inc({ limit: violation.limit });
      return [error(violation.message, "OPERATION_LIMIT", { limit: violation.limit, max: violation.max })];
    }
    const schema = options.apiSchema();
    if (!schema) return [error("The router is not ready", "SERVICE_UNAVAILABLE")];
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (failure) {
      return [failure instanceof GraphQLError ? error(failure.message, "GRAPHQL_PARSE_FAILED") : error("Syntax error", "GRAPHQL_PARSE_FAILED")];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid.map((each) => error(each.message, "GRAPHQL_VALIDATION_FAILED"));
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) return [error("No operation to run (name it with operationName)", "BAD_REQUEST")];
    if (operation.operation !== "subscription") {
      return [error("Only subscriptions are served over WebSocket; send queries and mutations over HTTP", "BAD_REQUEST")];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return coerced.errors.map((each) => error(each.message, "BAD_USER_INPUT"));
    const cost = operationCost(schema, query, operationName ?? undefined, rawVariables, config.COST_DEFAULT_LIST_SIZE);
    if (cost !== null && cost > config.COST_MAX_PER_OPERATION) {
      metrics.operationLimits.inc({ limit: "cost" });
      return [error(`Operation cost ${cost} exceeds the maximum of ${config.COST_MAX_PER_OPERATION}`, "COST_LIMIT_EXCEEDED", { cost, max: config.COST_MAX_PER_OPERATION })];
    }
    const requestId = randomUUID();
    const decision = await options.rateLimiter.check(
      { caller, ip: connection.client.ip, body: { query, operationName, variables: rawVariables }, cost: cost ?? 0 },
      requestId,
    );
    if (decision.kind === "unavailable") return [error("Rate limits cannot be checked right now; retry shortly", "SERVICE_UNAVAILABLE")];
    if (decision.kind === "limited") {
      return [error(`Rate limit exceeded (${decision.limit}); retry in ${decision.retryAfterSeconds} s`, "RATE_LIMITED", { limit: decision.limit, retryAfterSeconds: decision.retryAfterSeconds })];
    }
    const queryHash = createHash("sha256").update(query).digest("hex");
    const analysis = options.authorizer.analyze(schema, document, operationName, queryHash, caller);
    if (analysis.rejected) return authorizationErrors(analysis).map((each) => error(each.message, each.extensions.code, {}));
    const planned = analysis.document ?? document;
    let plan: SubscriptionPlan;
    try {
      plan = planner.plan(planned, operationName, analysis.queryHash ?? queryHash);
    } catch (failure) {
      log.error({ err: failure, requestId }, "subscription could not be planned");
      return [error("The subscription could not be planned", "INTERNAL_SERVER_ERROR")];
    }
    const operationContext = planner.operationContext(schema, planned, operationName);
    const prepared: Prepared = { id, socket, connection, plan, operationContext, analysis, original: document, planned, operationName, variables: coerced.coerced, requestId };
    return { schema, document: planned, operationName, variableValues: rawVariables, contextValue: prepared };
  }

  function authorizationErrors(analysis: OperationAnalysis) {
    return analysis.errors.map((removed) => ({
      message: removed.code === "UNAUTHENTICATED" ? `Authentication required for ${removed.coordinate}` : `Not authorized to access ${removed.coordinate}`,
      path: removed.path,
      extensions: { code: removed.code },
    }));
  }

  /**
   * `run` as graphql-ws consumes it. A generator's `return()` (client `complete`, socket closed) would wait
   * until its next `yield`, i.e. the next event; this one stops the upstream first, so it ends now.
   */
  function liveResults(prepared: Prepared): AsyncIterableIterator<FormattedExecutionResult> {
    const results = run(prepared);
    return {
      next: () => results.next(),
      async return() {
        prepared.connection.stops.get(prepared.id)?.();
        const done = await results.return(undefined);
        release(prepared); // also when it never started (its `finally` did not run)
        return done;
      },
      async throw(failure?: unknown) {
        prepared.connection.stops.get(prepared.id)?.();
        return results.throw(failure);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** One client subscription: the upstream events, each resolved through the rest of the plan, bounded. */
  async function* run(prepared: Prepared): AsyncGenerator<FormattedExecutionResult> {
    const { plan, connection, socket } = prepared;
    const caller = connection.caller;
    const context: RouterContext = { caller, requestId: prepared.requestId, client: connection.client };
    const primaryVariables = Object.fromEntries((plan.primary.variableUsages ?? []).filter((name) => name in prepared.variables).map((name) => [name, prepared.variables[name]]));
    const events = upstream.subscribe(
      plan.primary.serviceName,
      { query: plan.primary.operation, operationName: plan.primary.operationName ?? null, variables: primaryVariables },
      { caller, requestId: prepared.requestId, client: connection.client },
    );
    const queue: FormattedExecutionResult[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: unknown;
    let stopped = false;
    connection.stops.set(prepared.id, () => {
      stopped = true;
      ended = true;
      void events.return?.();
      wake?.();
    });
    const pump = (async () => {
      try {
        for await (const event of events) {
          queue.push(event);
          if (queue.length > config.SUBSCRIPTION_MAX_QUEUED_EVENTS) {
            close(socket, CLOSE.SLOW_CONSUMER, "slow consumer: too many events waiting");
            break;
          }
          wake?.();
        }
      } catch (caught) {
        failure = caught;
      } finally {
        ended = true;
        wake?.();
      }
    })();
    try {
      for (;;) {
        if (stopped) break;
        const event = queue.shift();
        if (!event) {
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const resolved = await planner.resolveEvent({
          plan,
          event,
          services: serviceMap(),
          operationContext: prepared.operationContext,
          operationName: prepared.operationName,
          variables: prepared.variables,
          context,
        });
        let data = resolved.data as Record<string, unknown> | null | undefined;
        let errors = (resolved.errors ?? []).map((each) => maskError(each));
        if (prepared.analysis.removed.size > 0) {
          data = nullRemovedFields(options.apiSchema()!, prepared.original, prepared.operationName, prepared.analysis.removed, data);
          errors = [...authorizationErrors(prepared.analysis), ...errors];
        }
        if (socket.bufferedAmount > config.SUBSCRIPTION_MAX_BUFFERED_BYTES) {
          close(socket, CLOSE.SLOW_CONSUMER, "slow consumer: send buffer full");
          return;
        }
        metrics.subscriptionEvents.inc();
        yield errors.length > 0 ? { data: data ?? null, errors } : { data: data ?? null };
      }
      if (!stopped && failure !== undefined && socket.readyState === socket.OPEN) {
        // Upstream refused (errors) or its socket failed: end this subscription; the client may resubscribe.
        const upstreamErrors = Array.isArray(failure) ? (failure as { message?: string; extensions?: Record<string, unknown> }[]) : null;
        if (!upstreamErrors) log.warn({ err: failure instanceof Error ? failure.message : String((failure as { code?: number })?.code ?? failure) }, "upstream subscription ended");
        yield {
          errors: upstreamErrors
            ? upstreamErrors.map((each) => maskError({ message: each.message ?? "Upstream error", extensions: each.extensions }))
            : [{ message: "The subscription's source is unavailable; subscribe again", extensions: { code: "SERVICE_UNAVAILABLE" } }],
        };
      }
    } finally {
      connection.stops.delete(prepared.id);
      await events.return?.();
      await pump;
      release(prepared);
    }
  }

  // ---- revocation: one batched pass over the live sockets' sessions ----
  const revocationTimer = setInterval(() => void checkRevocations(), config.SUBSCRIPTION_REVOCATION_CHECK_MS);
  revocationTimer.unref();
  let checking = false;
  async function checkRevocations() {
    if (checking || connections.size === 0) return;
    checking = true;
    try {
      const sockets = new Map<string, WebSocket[]>();
      for (const [socket, connection] of connections) {
        const sessionId = connection.caller?.sessionId;
        if (sessionId) sockets.set(sessionId, [...(sockets.get(sessionId) ?? []), socket]);
      }
      const sessions = [...sockets.keys()];
      for (let start = 0; start < sessions.length; start += 200) {
        const chunk = sessions.slice(start, start + 200);
        const revoked = await Promise.all(chunk.map((sessionId) => isSessionRevoked(store, sessionId)));
        chunk.forEach((sessionId, index) => {
          if (revoked[index]) for (const socket of sockets.get(sessionId) ?? []) close(socket, CLOSE.UNAUTHORIZED, "session revoked");
        });
      }
    } catch (failure) {
      log.warn({ err: failure instanceof Error ? failure.message : String(failure) }, "revocation check of live sockets failed; retried next pass");
    } finally {
      checking = false;
    }
  }

  return {
    async stop() {
      clearInterval(revocationTimer);
      options.server.off("upgrade", onUpgrade);
      await disposable.dispose();
      await upstream.close();
    },
  };
}
