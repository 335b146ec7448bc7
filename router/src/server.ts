// The router process: verifies access tokens (and their session against the shared revocation set), runs
// operations through the gateway with every subgraph fetch signed, and serves /health, /ready (every
// subgraph and the shared store ready) and /metrics.
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { maskError } from "#kernel/errors.js";
import { HttpError, closeServer, createHttpServer, executeGraphQL, listen, parseGraphQLBody, sendGraphQLError, sendJson, toHeaderMap, writeApolloResponse } from "#kernel/http.js";
import { IdentitySigner } from "#kernel/identity.js";
import { createSharedStore } from "#kernel/shared-store.js";
import { createLogger, withRequestId } from "#kernel/logger.js";
import { tracingSettings } from "#kernel/config.js";
import { SpanStatusCode, flushTracing, initTracing, withServerSpan, type Span } from "#kernel/tracing.js";
import { createOperationMetrics, type OperationRecord } from "./operation-metrics.js";
import { headerValue, type RunningService } from "#kernel/subgraph-server.js";
import { OperationAuthorizer, authorizationPlugin, nullRemovedFields, splitSecurityDirectives } from "./authorization.js";
import { AuthError, AuthUnavailableError, createTokenVerifier } from "./auth.js";
import { InflightReads, httpGraphQLRequestOf, isSharedResponse, writeSharedResponse } from "./inflight.js";
import { operationTypeOf } from "./protection/root-fields.js";
import { createClientIpResolver, parseTrustedProxies } from "./client-ip.js";
import { subgraphUrlOverrides, type RouterConfig } from "./config.js";
import type { RouterContext } from "./context.js";
import { createGateway } from "./gateway.js";
import { DEFAULT_ADMIN_PORT, createRouterMetrics, startAdminServer } from "./metrics.js";
import { createRouterSecurityEvents } from "./security-events.js";
import type { DocumentNode, GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import { OperationLimiter } from "./protection/operation-limits.js";
import { RateLimiter, parseRoleLimits } from "./protection/rate-limit.js";
import { TrustedDocuments, sharedApqCache } from "./protection/trusted-documents.js";
import { CIRCUIT_STATE_VALUE, SubgraphPolicies } from "./resilience/subgraph-policy.js";
import { withoutServiceName } from "./resilience/partial-errors.js";
import { startSubscriptionServer } from "./subscriptions/index.js";
import { createStreamingTransports } from "./streaming/index.js";
import { acceptsIncrementalDelivery } from "./streaming/framing.js";
import { writeIncrementalResponse } from "./streaming/incremental.js";
import { acceptIncrementalDelivery, takeSubsequentResults } from "./engine/apollo-server.js";
import type { IncrementalItem } from "./engine/index.js";
import { createAdmission } from "./admission.js";
import { createPlayground, introspectionPolicy, playgroundEnabled, staffIntrospectionPlugin } from "./playground/index.js";
import { legacyJsonStatusPlugin } from "./graphql-over-http.js";
import { createReadiness } from "./readiness.js";
import { QUERY_PLAN_HEADER, queryPlanExtensionPlugin, queryPlanRequested, requestQueryPlan } from "./query-plan-extension.js";

/** Adds `extensions.cost` to the response when the request context carries one (ADMIN, on request). */
const costExtensionPlugin: ApolloServerPlugin<RouterContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (contextValue.showCost === undefined || response.body.kind !== "single") return;
        response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: { estimated: contextValue.showCost } };
      },
    };
  },
};

/** Every error the router answers through Apollo Server carries the request id (also the x-request-id header). */
const requestIdPlugin: ApolloServerPlugin<RouterContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
        response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
          ...error,
          extensions: { ...error.extensions, requestId: contextValue.requestId },
        }));
      },
    };
  },
};

export async function startRouter(config: RouterConfig): Promise<RunningService> {
  const logger = createLogger("router", config.LOG_LEVEL);
  // OpenTelemetry (kernel/tracing.ts): off unless TRACING_ENABLED or an OTLP endpoint is configured.
  initTracing(tracingSettings(config));
  // GraphiQL for browsers at GET /graphql, served from this process (router/src/playground).
  const playground = createPlayground({ enabled: playgroundEnabled(config), logger });
  const metrics = createRouterMetrics();
  // Authorization denials, rate-limit rejections and refused tokens go to the audit trail (best effort).
  const securityEvents = createRouterSecurityEvents({ redisUrl: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger, registry: metrics.registry });
  const operationMetrics = createOperationMetrics(metrics.registry, { maxNames: config.OPERATION_METRICS_MAX_NAMES });
  const introspection = introspectionPolicy(config);
  const signer = new IdentitySigner(config.ROUTER_IDENTITY_SECRET);
  // Revocation and rate limits live here: Redis when REDIS_URL is set, shared by replicas.
  const store = await createSharedStore({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger });
  const verifier = createTokenVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    store,
    revocationTimeoutMs: config.REVOCATION_CHECK_TIMEOUT_MS,
    cacheSize: config.ROUTER_TOKEN_CACHE_SIZE,
    maxLifetimeSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const rateLimiter = new RateLimiter(
    {
      enabled: config.RATE_LIMIT_ENABLED ?? true,
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      anonymousRequests: config.RATE_LIMIT_ANONYMOUS_REQUESTS,
      requests: config.RATE_LIMIT_REQUESTS,
      roleRequests: parseRoleLimits(config.RATE_LIMIT_ROLE_REQUESTS),
      anonymousCostPoints: config.RATE_LIMIT_ANONYMOUS_COST_POINTS,
      costPoints: config.RATE_LIMIT_COST_POINTS,
      roleCostPoints: parseRoleLimits(config.RATE_LIMIT_ROLE_COST_POINTS),
      authWindowSeconds: config.RATE_LIMIT_AUTH_WINDOW_SECONDS,
      authIpAttempts: config.RATE_LIMIT_AUTH_IP_ATTEMPTS,
      authAccountAttempts: config.RATE_LIMIT_AUTH_ACCOUNT_ATTEMPTS,
      storeTimeoutMs: config.RATE_LIMIT_STORE_TIMEOUT_MS,
      failMode: config.RATE_LIMIT_FAIL_MODE,
      authFailMode: config.RATE_LIMIT_AUTH_FAIL_MODE,
      revocationTimeoutMs: config.REVOCATION_CHECK_TIMEOUT_MS,
    },
    store,
    logger,
    { limited: (bucket) => metrics.rateLimited.inc({ bucket }), storeFailure: () => metrics.rateLimitStoreFailures.inc() },
  );
  const inflightReads = config.ROUTER_DEDUPLICATE_READS === false ? undefined : new InflightReads(metrics.registry);
  const operationLimiter = new OperationLimiter({
    maxBytes: config.OPERATION_MAX_BYTES,
    maxTokens: config.OPERATION_MAX_TOKENS,
    maxDepth: config.OPERATION_MAX_DEPTH,
    maxAliases: config.OPERATION_MAX_ALIASES,
    maxRootFields: config.OPERATION_MAX_ROOT_FIELDS,
    maxDirectives: config.OPERATION_MAX_DIRECTIVES,
    maxExpandedFields: config.OPERATION_MAX_EXPANDED_FIELDS,
    maxFragments: config.OPERATION_MAX_FRAGMENTS,
    maxFragmentSpreads: config.OPERATION_MAX_FRAGMENT_SPREADS,
  });
  const clientIp = createClientIpResolver(parseTrustedProxies(config.TRUSTED_PROXIES));
  // The gateway gets the supergraph without the authorization directives it refuses; the router keeps them.
  const { gatewaySdl, metadata } = splitSecurityDirectives(await readFile(config.SUPERGRAPH_PATH, "utf8"));
  const authorizer = new OperationAuthorizer(metadata);
  // Circuit breaker and retries per subgraph (router/src/resilience), reported in metrics and /ready.
  const subgraphPolicies = new SubgraphPolicies(
    {
      retries: config.SUBGRAPH_RETRIES,
      retryBaseDelayMs: config.SUBGRAPH_RETRY_BASE_DELAY_MS,
      breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
      breakerCooldownMs: config.SUBGRAPH_BREAKER_COOLDOWN_MS,
    },
    {
      retry: (subgraph) => metrics.subgraphRetries.inc({ subgraph }),
      failure: (subgraph, reason) => metrics.subgraphFetchErrors.inc({ subgraph, reason }),
      stateChange: (subgraph, state) => {
        metrics.subgraphCircuitState.set({ subgraph }, CIRCUIT_STATE_VALUE[state]);
        logger[state === "closed" ? "info" : "warn"]({ subgraph, state }, "subgraph circuit breaker state changed");
      },
    },
  );
  const resilience = { policies: subgraphPolicies, logger: logger.child({ component: "gateway" }) };
  // Queries and mutations run through the router's engine (router/src/engine) unless ROUTER_ENGINE=apollo.
  const { gateway, subgraphUrls, call: subgraphCall } = await createGateway(gatewaySdl, subgraphUrlOverrides(config), signer, config.SUBGRAPH_TIMEOUT_MS, resilience, operationMetrics, config.ROUTER_ENGINE);
  if (config.ROUTER_ENGINE === "apollo") logger.warn("ROUTER_ENGINE=apollo: queries and mutations run on stock @apollo/gateway's executor (diagnosis only)");
  const trustedDocuments = await TrustedDocuments.load(config.TRUSTED_DOCUMENTS, config.TRUSTED_DOCUMENTS_PATH, logger);
  // APQ on by default; the registered documents live in the shared store so every replica knows them.
  const apqCache = config.APQ_ENABLED === false ? undefined : sharedApqCache(store, config.APQ_TTL_SECONDS, logger);
  let draining = false;

  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    apiSchema = schema;
  });
  const { admit } = createAdmission({
    trustedDocuments,
    apqCache,
    operationLimiter,
    rateLimiter,
    authorizer,
    apiSchema: () => apiSchema,
    costMaxPerOperation: config.COST_MAX_PER_OPERATION,
    costDefaultListSize: config.COST_DEFAULT_LIST_SIZE,
    metrics,
    logger,
    securityEvent: (event) => securityEvents.record(event),
  });

  /** Every error the client sees, formatted once: the subgraph's name and internals out, details to the log. */
  const formatClientError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // The subgraph's name stays in the logs (and the fetch spans), never in the client's response.
    const { error: clientError, serviceName } = withoutServiceName(formatted);
    const masked = maskError(clientError);
    if (masked !== clientError && masked.extensions?.code === "INTERNAL_SERVER_ERROR") {
      logger.error({ err: error, subgraph: serviceName }, "unexpected error in operation");
    } else if (serviceName) {
      logger.info({ subgraph: serviceName, code: masked.extensions?.code }, "subgraph answered with an error");
    }
    return masked;
  };

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    // `staff`: Apollo allows it and staffIntrospectionPlugin refuses it to other callers.
    introspection: introspection !== "none",
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: !(config.FIELD_SUGGESTIONS ?? config.NODE_ENV !== "production"),
    csrfPrevention: true,
    persistedQueries: apqCache ? { cache: apqCache, ttl: config.APQ_TTL_SECONDS } : false,
    formatError: formatClientError,
    // The analysts' playground is served by the router itself (no CDN); until then, no landing page.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Denials are recorded by admission (router/src/admission.ts), which ran the same (cached) analysis.
      authorizationPlugin(authorizer),
      costExtensionPlugin,
      requestIdPlugin,
      legacyJsonStatusPlugin(),
      queryPlanExtensionPlugin(),
      operationMetrics.plugin,
      ...(introspection === "staff" ? [staffIntrospectionPlugin()] : []),
    ],
  });
  await apollo.start();

  // /ready: this router can serve (supergraph, Redis); /ready?subgraphs=all: the whole platform (readiness.ts).
  const readiness = createReadiness({
    subgraphUrls,
    circuitStates: () => subgraphPolicies.states(),
    store,
    supergraphLoaded: () => apiSchema !== undefined,
    registry: metrics.registry,
  });

  /**
   * One GraphQL request: counted and timed by status and by operation, with its request id on every log
   * line and, with tracing on, inside a SERVER span that continues the client's `traceparent`.
   */
  async function handleGraphQL(req: IncomingMessage, res: ServerResponse) {
    const started = process.hrtime.bigint();
    const record = operationMetrics.begin();
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ status: `${Math.floor(res.statusCode / 100)}xx` });
      metrics.duration.observe(seconds);
      operationMetrics.finish(record, res.statusCode, seconds);
    });
    const requestId = randomUUID();
    await withRequestId(requestId, () =>
      withServerSpan({ service: "router", name: "graphql", headers: req.headers, attributes: { "fedbank.request_id": requestId } }, async (span) => {
        try {
          await runGraphQL(req, res, requestId, record);
          if (span) describeSpan(span, record, res.statusCode);
        } catch (error) {
          if (span) describeSpan(span, record, error instanceof HttpError ? error.status : 500);
          throw error;
        }
      }),
    );
  }

  function describeSpan(span: Span, record: OperationRecord, status: number) {
    const { operation, outcome } = operationMetrics.labels(record, status);
    span.updateName(`${record.operationType ?? "graphql"} ${operation}`);
    span.setAttributes({ "graphql.operation.name": operation, "fedbank.outcome": outcome, "http.response.status_code": status });
    if (record.operationType) span.setAttribute("graphql.operation.type", record.operationType);
    if (outcome !== "success") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }

  async function runGraphQL(req: IncomingMessage, res: ServerResponse, requestId: string, record: OperationRecord) {
    res.setHeader("x-request-id", requestId);
    let caller: RouterContext["caller"];
    try {
      // Signature and claims here (cached per token); the session-revocation read rides on the rate-limit
      // store call below (one Redis round trip per request), and a revoked session is refused there.
      caller = await verifier.verifyIgnoringRevocation(headerValue(req, "authorization"));
    } catch (error) {
      if (error instanceof AuthUnavailableError) {
        logger.error({ requestId, reason: error.message }, "access token could not be checked: refused (fail closed)");
        res.setHeader("retry-after", "1");
        return sendGraphQLError(res, 503, error.message, "SERVICE_UNAVAILABLE", { requestId });
      }
      if (!(error instanceof AuthError)) throw error;
      metrics.authFailures.inc();
      logger.info({ requestId, reason: error.message }, "access token refused");
      securityEvents.record({
        kind: "TOKEN_REFUSED", reason: error.message, caller: null, requestId,
        client: { ip: clientIp(req), userAgent: headerValue(req, "user-agent")?.slice(0, 512) ?? null },
      });
      res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
      return sendGraphQLError(res, 401, error.message, "UNAUTHENTICATED", { requestId });
    }
    const body = await parseGraphQLBody(req);
    // Bounded: it travels signed in a header to every subgraph the operation touches.
    const client = { ip: clientIp(req), userAgent: headerValue(req, "user-agent")?.slice(0, 512) ?? null };
    const operation = body ?? queryParameters(req);
    const fields = operation && typeof operation === "object" && !Array.isArray(operation) ? (operation as Record<string, unknown>) : {};
    record.claimedName = typeof fields.operationName === "string" ? fields.operationName : undefined;
    // Every admission check, in one place shared with the streaming transports (router/src/admission.ts).
    const admission = await admit({ transport: "http", requestId, caller, client, params: fields, checkRevocation: true });
    const admittedHeaders = admission.admitted ? admission.headers : admission.refusal.headers;
    for (const [name, value] of Object.entries(admittedHeaders)) if (name !== "content-type") res.setHeader(name, value);
    if (!admission.admitted && !admission.refusal.executorAnswers) {
      const { refusal } = admission;
      const payload = refusal.data === null ? { data: null, errors: refusal.errors } : { errors: refusal.errors };
      return sendJson(res, refusal.status, payload, { "content-type": refusal.headers["content-type"] ?? "application/graphql-response+json; charset=utf-8" });
    }
    // An operation sent by hash only runs as the text admission resolved (Apollo Server reads it from the request);
    // a manifest document runs as plain text (APQ may be off, and it need not be registered). Validation errors
    // and an operation with nothing authorized left are answered by Apollo Server in its own wire format.
    const resolved = admission.admitted ? admission : admission.refusal;
    if (resolved.persisted && resolved.query !== undefined && fields.query === undefined) {
      fields.query = resolved.query;
      if (resolved.persisted === "manifest") delete fields.extensions;
      if (body === undefined) rewriteQueryString(req, fields);
    }
    const query = typeof fields.query === "string" ? fields.query : undefined;
    const cost = admission.admitted ? admission.cost : null;
    // An ADMIN asking with `Fedbank-Show-Cost: true` gets the estimate in the response extensions.
    const showCost = caller?.role === "ADMIN" && headerValue(req, "fedbank-show-cost") === "true" && cost !== null ? cost : undefined;
    // Staff asking with `x-fedbank-query-plan: true` get the executed plan in the response extensions.
    const showQueryPlan = queryPlanRequested(caller?.role, headerValue(req, QUERY_PLAN_HEADER));
    const operationName = typeof fields.operationName === "string" ? fields.operationName : undefined;
    const operationType = query !== undefined ? operationTypeOf(query, operationName) : undefined;
    // A query with @defer from a client that accepts multipart/mixed is delivered incrementally (docs/realtime.md#defer).
    const incremental = operationType === "query" && query!.includes("@defer") && acceptsIncrementalDelivery(headerValue(req, "accept"));
    const context = async () => {
      const value = operationMetrics.attach(record, { caller, requestId, client, showCost });
      if (incremental) acceptIncrementalDelivery(value);
      return showQueryPlan ? requestQueryPlan(value) : value;
    };
    if (incremental) {
      const analysis = admission.admitted ? admission.analysis : undefined;
      const original = admission.admitted ? { schema: admission.schema, document: admission.document } : undefined;
      return executeIncrementally(req, res, body, context, requestId, analysis?.removed.size && original?.schema && original.document ? { ...original, schema: original.schema, document: original.document, operationName: operationName ?? null, removed: analysis.removed } : undefined);
    }
    // Identical reads of one identity already executing share that execution (router/src/inflight.ts).
    if (inflightReads && showCost === undefined && !showQueryPlan && body !== undefined && query !== undefined && operationType === "query") {
      const key = inflightReads.keyOf({ caller, ip: client.ip }, fields, headerValue(req, "accept"));
      const execute = () => apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: httpGraphQLRequestOf(req, body), context });
      const { response, joined } = await inflightReads.run(key, execute, () => ({ ...record }));
      if (joined) Object.assign(record, joined);
      return isSharedResponse(response) ? writeSharedResponse(res, response) : writeApolloResponse(res, response);
    }
    if (!inflightReads || operationType === "query") return executeGraphQL(apollo, req, res, body, context);
    // Anything that may write (a mutation, a batch, an operation sent by hash only): reads of this identity
    // started before it ends may not answer reads that arrive after it (read-your-writes, inflight.ts).
    const identity = { caller, ip: client.ip };
    inflightReads.writeStarted(identity);
    try {
      await executeGraphQL(apollo, req, res, body, context);
    } finally {
      inflightReads.writeStarted(identity);
    }
  }

  /**
   * A query with @defer for a client that takes incremental delivery: Apollo Server answers the initial result,
   * the deferred payloads follow in the same multipart response (router/src/streaming/incremental.ts). Never
   * shared with identical reads in flight (inflight.ts).
   */
  async function executeIncrementally(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    context: () => Promise<RouterContext>,
    requestId: string,
    authorization: { schema: GraphQLSchema; document: DocumentNode; operationName: string | null; removed: ReadonlySet<string> } | undefined,
  ) {
    let contextValue: RouterContext | undefined;
    const headers = toHeaderMap(req);
    // Apollo Server answers the initial result as JSON (the multipart framing is ours).
    const accept = headers.get("accept") ?? "";
    if (!/application\/(graphql-response\+)?json|\*\/\*/i.test(accept)) headers.set("accept", `${accept}, application/json`);
    const url = new URL(req.url ?? "/", "http://localhost");
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? "GET").toUpperCase(), headers, search: url.search, body },
      context: async () => (contextValue = await context()),
    });
    const subsequent = contextValue ? takeSubsequentResults(contextValue) : undefined;
    await writeIncrementalResponse(res, response, subsequent, {
      formatErrors: (errors: readonly GraphQLError[]) =>
        errors.map((error) => {
          const formatted = error.toJSON();
          const extensions = { ...formatted.extensions, code: formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR" };
          const client = formatClientError({ ...formatted, extensions }, error);
          return { ...client, extensions: { ...client.extensions, requestId } };
        }),
      adjustItem: authorization ? (item) => nullRemovedInItem(authorization, item) : undefined,
    });
  }

  /** A GET request's operation, for the rate limits (Apollo Server reads it again itself). */
  function queryParameters(req: IncomingMessage): Record<string, unknown> {
    const params = new URL(req.url ?? "/", "http://localhost").searchParams;
    let variables: unknown = undefined;
    try {
      variables = JSON.parse(params.get("variables") ?? "null");
    } catch {
      // Apollo answers malformed variables itself
    }
    let extensions: unknown = undefined;
    try {
      extensions = JSON.parse(params.get("extensions") ?? "null") ?? undefined;
    } catch {
      // idem
    }
    return { query: params.get("query") ?? undefined, operationName: params.get("operationName") ?? undefined, variables, extensions };
  }

  /** A GET request whose persisted operation was resolved: Apollo Server reads it from the query string. */
  function rewriteQueryString(req: IncomingMessage, fields: Record<string, unknown>) {
    const url = new URL(req.url ?? "/", "http://localhost");
    url.searchParams.set("query", String(fields.query));
    if (fields.extensions === undefined) url.searchParams.delete("extensions");
    req.url = `${url.pathname}${url.search}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    // Shutting down: answer what still arrives on open connections, then let the client reconnect elsewhere.
    if (draining) res.setHeader("connection", "close");
    if (await playground.handle(req, res)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    switch (url.pathname) {
      case "/graphql":
        // Subscriptions over HTTP multipart and SSE (router/src/streaming), by their Accept header.
        if (streaming && (await streaming.handle(req, res))) return;
        return handleGraphQL(req, res);
      case "/health":
        return sendJson(res, 200, { status: "ok", service: "router" });
      case "/ready": {
        if (draining) return sendJson(res, 503, { status: "stopping", service: "router" });
        const report = await readiness.check(url.searchParams.get("subgraphs") === "all");
        return sendJson(res, report.status, report.body);
      }
      default:
        // /metrics is served on the admin port only (startAdminServer), never on this public one.
        return sendJson(res, 404, { error: "not found" });
    }
  }

  const server = createHttpServer(handle, logger);
  // graphql-ws subscriptions on the same /graphql path (router/src/subscriptions, docs/realtime.md).
  const subscriptions =
    config.SUBSCRIPTIONS_ENABLED === false
      ? null
      : startSubscriptionServer({
          server,
          config,
          logger,
          // The same signed, resilient posters (and keep-alive pools) as queries use.
          subgraphCall,
          gatewaySdl,
          subgraphUrls,
          signer,
          verifier,
          store,
          admission: { admit },
          clientIp,
          metrics,
        });
  const streaming = subscriptions ? createStreamingTransports({ core: subscriptions.core, config, metrics, clientIp }) : null;
  const port = await listen(server, config.ROUTER_PORT, "0.0.0.0");
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url }, "router listening");
  const admin = await startAdminServer({
    registry: metrics.registry,
    port: config.ROUTER_ADMIN_PORT ?? (config.NODE_ENV === "production" ? DEFAULT_ADMIN_PORT : 0),
    host: config.ROUTER_ADMIN_HOST,
    logger,
  });
  // The playground's bundle is loaded (from its build cache, or built) now, in the background, not on the first page view.
  playground.warm().catch((error: unknown) => logger.warn({ err: error }, "playground bundle not ready; retried on the first page view"));

  return {
    name: "router",
    port,
    url,
    server,
    async stop() {
      // Stop accepting; requests in flight get SHUTDOWN_GRACE_MS to finish, then their connections are closed.
      draining = true;
      // Live sockets are told 1001 "going away" (clients reconnect to another replica).
      streaming?.stop();
      await subscriptions?.stop();
      await closeServer(server, config.SHUTDOWN_GRACE_MS);
      await admin.close();
      await apollo.stop();
      rateLimiter.close();
      await securityEvents.close();
      if (store.kind === "redis") await store.close();
      // Spans still buffered are sent before the process goes (no-op with tracing off).
      await flushTracing();
    },
  };
}

/**
 * Authorization's nulling (authorization.ts `nullRemovedFields`, which the initial result got from its
 * plugin) applied to one deferred item: the item's data is placed at its path in an otherwise empty
 * response and the original operation walked over it; a removed non-null field nulls the item's data.
 */
function nullRemovedInItem(
  authorization: { schema: GraphQLSchema; document: DocumentNode; operationName: string | null; removed: ReadonlySet<string> },
  item: IncrementalItem,
) {
  if (!item.data) return;
  const root: Record<string, unknown> = item.path.length === 0 ? item.data : {};
  let parent = root as Record<string | number, unknown>;
  item.path.forEach((segment, index) => {
    const next = item.path[index + 1];
    const child = index === item.path.length - 1 ? item.data! : typeof next === "number" ? new Array<unknown>(next + 1).fill(null) : {};
    parent[segment] = child;
    parent = child as Record<string | number, unknown>;
  });
  const shaped = nullRemovedFields(authorization.schema, authorization.document, authorization.operationName, authorization.removed, root);
  let reached: unknown = shaped;
  for (const segment of item.path) reached = reached && typeof reached === "object" ? (reached as Record<string | number, unknown>)[segment] : undefined;
  if (reached !== item.data) item.data = null;
}
