// What every subscription transport shares (graphql-ws in index.ts, HTTP multipart and SSE in
// router/src/streaming): authenticating a token with close reasons that say what was wrong, the checks and
// planning of one subscribe, per-user slots, the shared groups (fanout.ts) that resolve each event once per
// (event, selection, authorization scope), and the live connections' lifetime: closed (retryably) shortly
// before their token expires, and when their session is revoked (one batched pass over live sessions).
import { createHash, randomUUID } from "node:crypto";
import { Counter, Gauge, Histogram } from "prom-client";
import { GraphQLError, getOperationAST, print, type DocumentNode, type FormattedExecutionResult, type GraphQLSchema } from "graphql";
import { getVariableValues } from "graphql/execution/values.js";
import { decodeJwt } from "jose";
import { maskError } from "#kernel/errors.js";
import type { IdentitySigner, ClientInfo } from "#kernel/identity.js";
import type { Logger } from "#kernel/logger.js";
import { isSessionRevoked } from "#kernel/revocation.js";
import type { SharedStore } from "#kernel/shared-store.js";
import { AuthError, AuthUnavailableError, type TokenVerifier, type VerifiedCaller } from "../auth.js";
import { admitSubscription, type AdmittedSubscription, type RouterAdmission } from "../admission.js";
import { authorizationErrors, nullRemovedFields, type OperationAnalysis } from "../authorization.js";
import type { RouterConfig } from "../config.js";
import type { RouterContext } from "../context.js";
import type { createRouterMetrics } from "../metrics.js";
import { CLOSE, closeReason, reauthenticateAt } from "./connection-auth.js";
import { createEngine, subscriptionParts, type PreparedOperation, type SubgraphCall } from "../engine/index.js";
import { batchingCall, scopeOf, type BatchStats } from "./entity-batcher.js";
import { SubscriptionFanout, type GroupSource, type Member } from "./fanout.js";
import { UpstreamPool } from "./upstream.js";

export interface SubscriptionCoreOptions {
  config: RouterConfig;
  logger: Logger;
  /**
   * The router's way out to subgraphs (router/src/gateway.ts `engineSubgraphCall`: signing, timeout,
   * circuit breaker, metrics, tracing); subscription events' fetches go through it, batched (entity-batcher.ts).
   */
  subgraphCall: SubgraphCall<RouterContext>;
  /** The supergraph as the engine got it (authorization directives stripped). */
  gatewaySdl: string;
  subgraphUrls: ReadonlyMap<string, string>;
  signer: IdentitySigner;
  verifier: TokenVerifier;
  store: SharedStore;
  /** The router's one admission step (trusted/persisted documents, limits, cost, rate limits, validation, authorization). */
  admission: RouterAdmission;
  metrics: ReturnType<typeof createRouterMetrics>;
}

export interface SubscribePayload {
  /** Absent when the operation is named by hash (persisted documents, resolved by admission). */
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

/** One accepted subscribe, transport-neutral. */
export interface PreparedSubscription {
  caller: VerifiedCaller;
  client: ClientInfo;
  /** The planned operation (router/src/engine): `Subscription { primary, rest }`. */
  operation: PreparedOperation;
  analysis: OperationAnalysis;
  original: DocumentNode;
  planned: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown>;
  requestId: string;
  /** (authorization scope, planned selection, variables): subscriptions with the same key share results. */
  groupKey: string;
  schema: GraphQLSchema;
}

export type Authentication = { ok: true; caller: VerifiedCaller; closeAt: number | null } | { ok: false; code: number; reason: string };

/** A live connection of any transport, for token expiry and revocation. */
export interface LiveConnection {
  caller: VerifiedCaller;
  close(code: number, reason: string): void;
}

const error = (message: string, code: string, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extensions } });

export type SubscriptionCore = ReturnType<typeof createSubscriptionCore>;

export function createSubscriptionCore(options: SubscriptionCoreOptions) {
  const { config, metrics, store } = options;
  const log = options.logger.child({ component: "subscriptions" });
  const upstream = new UpstreamPool(options.subgraphUrls, options.signer, log, config.SUBSCRIPTION_KEEPALIVE_MS);
  const resolutions = new Counter({
    name: "fedbank_router_subscription_event_resolutions_total",
    help: "Subscription events resolved through the rest of the plan (once per event and group, shared by the group's subscribers)",
    registers: [metrics.registry],
  });
  const slowConsumers = new Counter({
    name: "fedbank_router_subscription_slow_consumers_total",
    help: "Subscribers dropped because they did not read their events fast enough, by transport",
    labelNames: ["transport"],
    registers: [metrics.registry],
  });
  const groupsGauge = new Gauge({
    name: "fedbank_router_subscription_groups",
    help: "Shared subscription groups (one upstream subscription each) open on this router",
    registers: [metrics.registry],
    collect() {
      this.set(fanout.size);
    },
  });
  void groupsGauge;
  const batchStats: BatchStats = { requested: 0, sent: 0 };
  const entityFetches = new Counter({
    name: "fedbank_router_subscription_entity_fetches_total",
    help: "Entity fetches of subscription events: asked for, and sent after batching",
    labelNames: ["stage"],
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc({ stage: "requested" }, batchStats.requested);
      this.inc({ stage: "sent" }, batchStats.sent);
    },
  });
  void entityFetches;
  // The router's own share of an event's latency, from its arrival on the upstream socket: `resolve` until
  // its result is ready (entity fetches; once per event and group), `deliver` until a subscriber's transport
  // takes it (once per delivery). What comes before (ledger commit → notification → the subgraph's push) is
  // upstream of the router; bench/subscriptions.ts reports both sides.
  const fanoutLatency = new Histogram({
    name: "fedbank_router_subscription_fanout_seconds",
    help: "Subscription events from their arrival at the router: until resolved (stage=resolve, per event and group) and until handed to a subscriber's socket (stage=deliver, per delivery)",
    labelNames: ["stage"],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10],
    registers: [metrics.registry],
  });
  const resolvedLatency = fanoutLatency.labels("resolve");
  const deliveredLatency = fanoutLatency.labels("deliver");
  const fanout = new SubscriptionFanout((_members, arrivedAt) => {
    resolutions.inc();
    resolvedLatency.observe((performance.now() - arrivedAt) / 1000);
  });
  const perUser = new Map<string, number>();
  const live = new Set<LiveConnection>();

  /**
   * The router's engine runs each event's `rest` of the plan (engine.resolveSubscriptionEvent), through the
   * router's signed subgraph call with `_entities` fetches of events arriving together batched per scope.
   */
  const engine = createEngine<RouterContext>({ supergraphSdl: options.gatewaySdl, call: batchingCall(options.subgraphCall, batchStats), validateSupergraph: false });

  /** Verifies `header` (already `Bearer <JWT>`-shaped, connection-auth.ts): the caller, or why not. */
  async function authenticate(header: string): Promise<Authentication> {
    let caller: VerifiedCaller | null;
    try {
      caller = await options.verifier.verify(header);
    } catch (failure) {
      if (failure instanceof AuthUnavailableError) return { ok: false, code: CLOSE.TRY_AGAIN_LATER, reason: "access token cannot be checked right now; retry" };
      if (!(failure instanceof AuthError)) throw failure;
      metrics.authFailures.inc();
      return { ok: false, code: CLOSE.UNAUTHORIZED, reason: closeReason(failure.message) };
    }
    if (!caller) return { ok: false, code: CLOSE.UNAUTHORIZED, reason: "no access token" };
    const exp = decodeJwt(header.slice("Bearer ".length)).exp;
    const closeAt = reauthenticateAt(exp, config.SUBSCRIPTION_REAUTHENTICATE_LEAD_MS);
    if (closeAt !== null && closeAt <= Date.now()) {
      metrics.authFailures.inc();
      return { ok: false, code: CLOSE.UNAUTHORIZED, reason: "Access token has expired" };
    }
    return { ok: true, caller, closeAt };
  }

  /**
   * Watches a live connection: closed with REAUTHENTICATE at `closeAt` (shortly before the token expires,
   * a code clients retry with a refreshed token) and with UNAUTHORIZED when its session is revoked.
   * Expiries are kept in one-second buckets swept by ONE timer (not a timer per connection: thousands of
   * sockets are open); a connection is closed in the second of its `closeAt`, at most a second early.
   */
  function track(connection: LiveConnection, closeAt: number | null): () => void {
    live.add(connection);
    if (closeAt === null) return () => void live.delete(connection);
    const second = Math.floor(closeAt / 1000);
    let bucket = expiring.get(second);
    if (!bucket) expiring.set(second, (bucket = new Set()));
    bucket.add(connection);
    return () => {
      live.delete(connection);
      const current = expiring.get(second);
      if (current?.delete(connection) && current.size === 0) expiring.delete(second);
    };
  }
  /** Live connections by the second (epoch) they must be closed in for re-authentication. */
  const expiring = new Map<number, Set<LiveConnection>>();
  const expiryTimer = setInterval(() => {
    const now = Math.floor(Date.now() / 1000);
    for (const [second, connections] of expiring) {
      if (second > now) continue;
      expiring.delete(second);
      for (const connection of connections) connection.close(CLOSE.REAUTHENTICATE, "token expiring: reconnect with a refreshed token");
    }
  }, 250);
  expiryTimer.unref();

  /**
   * New live connections per client IP per minute (shared store, so across replicas): null when allowed,
   * else the seconds to wait. A store that cannot answer does not lock everyone out (each is still authenticated).
   */
  async function connectionRate(ip: string | null): Promise<number | null> {
    try {
      const [state] = await Promise.race([
        store.consume([{ key: `rl:ws:ip:${ip ?? "unknown"}`, amount: 1, windowMs: 60_000 }]),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), config.RATE_LIMIT_STORE_TIMEOUT_MS).unref()),
      ]);
      if (state && state.count > config.SUBSCRIPTION_CONNECTIONS_PER_MINUTE) {
        metrics.rateLimited.inc({ bucket: "ws-connections" });
        return Math.max(1, Math.ceil(state.resetMs / 1000));
      }
    } catch (failure) {
      log.warn({ err: failure instanceof Error ? failure.message : String(failure) }, "connection rate limit not checked");
    }
    return null;
  }

  /** Takes a per-user slot (before anything is awaited, so concurrent subscribes cannot overshoot). */
  function reserve(caller: VerifiedCaller): GraphQLError | (() => void) {
    if ((perUser.get(caller.userId) ?? 0) >= config.SUBSCRIPTION_MAX_PER_USER) {
      return error(`At most ${config.SUBSCRIPTION_MAX_PER_USER} subscriptions per user`, "SUBSCRIPTION_LIMIT", { limit: "perUser", max: config.SUBSCRIPTION_MAX_PER_USER });
    }
    perUser.set(caller.userId, (perUser.get(caller.userId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (perUser.get(caller.userId) ?? 1) - 1;
      if (left <= 0) perUser.delete(caller.userId);
      else perUser.set(caller.userId, left);
    };
  }

  /**
   * Admits (router/src/admission.ts: the one admission step HTTP uses too) and plans one subscribe: the
   * prepared subscription, or the errors to answer with.
   */
  async function prepare(caller: VerifiedCaller, client: ClientInfo, payload: SubscribePayload, transport: "websocket" | "sse" | "multipart"): Promise<PreparedSubscription | readonly GraphQLError[]> {
    const admitted = await admitSubscription(options.admission, { transport, caller, client, payload });
    if (Array.isArray(admitted)) return admitted;
    const { schema, document, operationName, analysis, requestId } = admitted as AdmittedSubscription;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) return [error("No operation to run (name it with operationName)", "BAD_REQUEST")];
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], admitted.variables ?? {});
    if (coerced.errors) return coerced.errors.map((each) => error(each.message, "BAD_USER_INPUT"));
    const planned = analysis.document ?? document;
    const planKey = analysis.queryHash ?? createHash("sha256").update(print(planned)).digest("hex");
    let prepared: PreparedOperation;
    try {
      prepared = engine.prepare(planned, operationName, planKey);
      subscriptionParts(prepared);
    } catch (failure) {
      log.error({ err: failure, requestId }, "subscription could not be planned");
      return [error("The subscription could not be planned", "INTERNAL_SERVER_ERROR")];
    }
    const groupKey = [scopeOf(caller), planKey, operationName ?? "", JSON.stringify(coerced.coerced)].join("\u0000");
    return { caller, client, operation: prepared, analysis, original: document, planned, operationName, variables: coerced.coerced, requestId, groupKey, schema };
  }

  /** The group of `prepared`: one upstream subscription, each event resolved once with its scope's identity. */
  function groupSource(prepared: PreparedSubscription): GroupSource {
    const { caller, client } = prepared;
    const { primary } = subscriptionParts(prepared.operation);
    const requestId = randomUUID();
    const context: RouterContext = { caller, requestId, client };
    const primaryVariables = Object.fromEntries((primary.variableUsages ?? []).filter((name) => name in prepared.variables).map((name) => [name, prepared.variables[name]]));
    const events = upstream.subscribe(
      primary.serviceName,
      { query: primary.operation, operationName: primary.operationName ?? null, variables: primaryVariables },
      { caller, requestId, client },
    );
    return {
      events,
      async resolve(event) {
        try {
          const resolved = await engine.resolveSubscriptionEvent(prepared.operation, event, { variables: prepared.variables, context });
          let data = resolved.data as Record<string, unknown> | null | undefined;
          let errors = (resolved.errors ?? []).map((each) => maskError(each.toJSON()));
          if (prepared.analysis.removed.size > 0) {
            data = nullRemovedFields(prepared.schema, prepared.original, prepared.operationName, prepared.analysis.removed, data);
            errors = [...authorizationErrors(prepared.analysis), ...errors];
          }
          return errors.length > 0 ? { data: data ?? null, errors } : { data: data ?? null };
        } catch (failure) {
          log.error({ err: failure, requestId }, "subscription event could not be resolved");
          return { data: null, errors: [{ message: "The event could not be resolved", extensions: { code: "INTERNAL_SERVER_ERROR" } }] };
        }
      },
      onEnd(failure) {
        if (failure === undefined) return undefined;
        // Upstream refused (errors) or its socket failed: the subscription ends; the client may resubscribe.
        const upstreamErrors = Array.isArray(failure) ? (failure as { message?: string; extensions?: Record<string, unknown> }[]) : null;
        if (!upstreamErrors) log.warn({ err: failure instanceof Error ? failure.message : String((failure as { code?: number })?.code ?? failure) }, "upstream subscription ended");
        return {
          errors: upstreamErrors
            ? upstreamErrors.map((each) => maskError({ message: each.message ?? "Upstream error", extensions: each.extensions }))
            : [{ message: "The subscription's source is unavailable; subscribe again", extensions: { code: "SERVICE_UNAVAILABLE" } }],
        };
      },
    };
  }

  /** Adds `member` to the group of `prepared` (started on first use); returns how to leave. */
  function attach(prepared: PreparedSubscription, member: Member): () => void {
    return fanout.join(prepared.groupKey, () => groupSource(prepared), member);
  }

  // ---- revocation: one batched pass over the live connections' sessions ----
  const revocationTimer = setInterval(() => void checkRevocations(), config.SUBSCRIPTION_REVOCATION_CHECK_MS);
  revocationTimer.unref();
  let checking = false;
  async function checkRevocations() {
    if (checking || live.size === 0) return;
    checking = true;
    try {
      const bySession = new Map<string, LiveConnection[]>();
      for (const connection of live) {
        const list = bySession.get(connection.caller.sessionId);
        if (list) list.push(connection);
        else bySession.set(connection.caller.sessionId, [connection]);
      }
      const sessions = [...bySession.keys()];
      for (let start = 0; start < sessions.length; start += 200) {
        const chunk = sessions.slice(start, start + 200);
        const revoked = await Promise.all(chunk.map((sessionId) => isSessionRevoked(store, sessionId)));
        chunk.forEach((sessionId, index) => {
          if (revoked[index]) for (const connection of bySession.get(sessionId) ?? []) connection.close(CLOSE.UNAUTHORIZED, "session revoked");
        });
      }
    } catch (failure) {
      log.warn({ err: failure instanceof Error ? failure.message : String(failure) }, "revocation check of live connections failed; retried next pass");
    } finally {
      checking = false;
    }
  }

  return {
    log,
    connectionRate,
    authenticate,
    track,
    reserve,
    prepare,
    attach,
    /** A result of an event that arrived at `arrivedAt` (performance.now()) was handed to a subscriber's transport. */
    delivered(arrivedAt: number) {
      deliveredLatency.observe((performance.now() - arrivedAt) / 1000);
    },
    /** Counts a subscriber dropped for not keeping up. */
    slowConsumer(transport: string) {
      slowConsumers.inc({ transport });
    },
    async stop() {
      clearInterval(revocationTimer);
      clearInterval(expiryTimer);
      fanout.close();
      await upstream.close();
    },
  };
}

/** A formatted result for errors thrown by prepare(). */
export function errorsResult(errors: readonly GraphQLError[]): FormattedExecutionResult {
  return { errors: errors.map((each) => each.toJSON()) };
}
