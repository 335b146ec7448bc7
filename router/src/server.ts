// The router process: verifies access tokens (and their session against the shared revocation set), runs
// operations through the gateway with every subgraph fetch signed, and serves /health, /ready (every
// subgraph and the shared store ready) and /metrics.
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { maskError } from "../../kernel/errors.js";
import { closeServer, createHttpServer, executeGraphQL, listen, parseGraphQLBody, sendGraphQLError, sendJson } from "../../kernel/http.js";
import { IdentitySigner } from "../../kernel/identity.js";
import { createSharedStore } from "../../kernel/shared-store.js";
import { createLogger } from "../../kernel/logger.js";
import { headerValue, type RunningService } from "../../kernel/subgraph-server.js";
import { OperationAuthorizer, authorizationPlugin, splitSecurityDirectives } from "./authorization.js";
import { AuthError, AuthUnavailableError, createTokenVerifier } from "./auth.js";
import { createClientIpResolver, parseTrustedProxies } from "./client-ip.js";
import { subgraphUrlOverrides, type RouterConfig } from "./config.js";
import type { RouterContext } from "./context.js";
import { createGateway } from "./gateway.js";
import { createRouterMetrics } from "./metrics.js";
import type { GraphQLSchema } from "graphql";
import { operationCost } from "./protection/cost.js";
import { OperationLimiter } from "./protection/operation-limits.js";
import { RateLimiter, parseRoleLimits } from "./protection/rate-limit.js";
import { createPlayground, playgroundEnabled } from "./playground/index.js";

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

export async function startRouter(config: RouterConfig): Promise<RunningService> {
  const logger = createLogger("router", config.LOG_LEVEL);
  // GraphiQL for browsers at GET /graphql, served from this process (router/src/playground).
  const playground = createPlayground({ enabled: playgroundEnabled(config), logger });
  const metrics = createRouterMetrics();
  const signer = new IdentitySigner(config.ROUTER_IDENTITY_SECRET);
  // Revocation (and later shared rate limits) live here: Redis when REDIS_URL is set, shared by replicas.
  const store = await createSharedStore({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger });
  const verifier = createTokenVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    store,
    revocationTimeoutMs: config.REVOCATION_CHECK_TIMEOUT_MS,
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
    },
    store,
    logger,
    { limited: (bucket) => metrics.rateLimited.inc({ bucket }), storeFailure: () => metrics.rateLimitStoreFailures.inc() },
  );
  const operationLimiter = new OperationLimiter({
    maxBytes: config.OPERATION_MAX_BYTES,
    maxTokens: config.OPERATION_MAX_TOKENS,
    maxDepth: config.OPERATION_MAX_DEPTH,
    maxAliases: config.OPERATION_MAX_ALIASES,
    maxRootFields: config.OPERATION_MAX_ROOT_FIELDS,
    maxDirectives: config.OPERATION_MAX_DIRECTIVES,
  });
  const clientIp = createClientIpResolver(parseTrustedProxies(config.TRUSTED_PROXIES));
  // The gateway gets the supergraph without the authorization directives it refuses; the router keeps them.
  const { gatewaySdl, metadata } = splitSecurityDirectives(await readFile(config.SUPERGRAPH_PATH, "utf8"));
  const authorizer = new OperationAuthorizer(metadata);
  const { gateway, subgraphUrls } = createGateway(gatewaySdl, subgraphUrlOverrides(config), signer, config.SUBGRAPH_TIMEOUT_MS);

  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    apiSchema = schema;
  });

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: config.INTROSPECTION ?? config.NODE_ENV !== "production",
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: !(config.FIELD_SUGGESTIONS ?? config.NODE_ENV !== "production"),
    csrfPrevention: true,
    formatError: (formatted, error) => {
      const masked = maskError(formatted);
      if (masked !== formatted && masked.extensions?.code === "INTERNAL_SERVER_ERROR") {
        logger.error({ err: error }, "unexpected error in operation");
      }
      return masked;
    },
    // The analysts' playground is served by the router itself (no CDN); until then, no landing page.
    plugins: [ApolloServerPluginLandingPageDisabled(), authorizationPlugin(authorizer), costExtensionPlugin],
  });
  await apollo.start();

  async function readiness() {
    const checks: Record<string, string> = {};
    await Promise.all([
      ...[...subgraphUrls].map(async ([name, url]) => {
        try {
          const response = await fetch(new URL("/ready", url), { signal: AbortSignal.timeout(2_000) });
          checks[name] = response.ok ? "ok" : "not ready";
        } catch {
          checks[name] = "unreachable";
        }
      }),
      (async () => {
        try {
          await Promise.race([store.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref())]);
          checks[store.kind === "redis" ? "redis" : "sharedStore"] = "ok";
        } catch {
          checks[store.kind === "redis" ? "redis" : "sharedStore"] = "unreachable";
        }
      })(),
    ]);
    return checks;
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse) {
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      metrics.requests.inc({ status: `${Math.floor(res.statusCode / 100)}xx` });
      metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    });
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    let caller: RouterContext["caller"];
    try {
      caller = await verifier.verify(headerValue(req, "authorization"));
    } catch (error) {
      if (error instanceof AuthUnavailableError) {
        logger.error({ requestId, reason: error.message }, "access token could not be checked: refused (fail closed)");
        res.setHeader("retry-after", "1");
        return sendGraphQLError(res, 503, error.message, "SERVICE_UNAVAILABLE");
      }
      if (!(error instanceof AuthError)) throw error;
      metrics.authFailures.inc();
      logger.info({ requestId, reason: error.message }, "access token refused");
      res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
      return sendGraphQLError(res, 401, error.message, "UNAUTHENTICATED");
    }
    const body = await parseGraphQLBody(req);
    // Bounded: it travels signed in a header to every subgraph the operation touches.
    const client = { ip: clientIp(req), userAgent: headerValue(req, "user-agent")?.slice(0, 512) ?? null };
    const operation = body ?? queryParameters(req);
    const fields = operation && typeof operation === "object" && !Array.isArray(operation) ? (operation as Record<string, unknown>) : {};
    const query = typeof fields.query === "string" ? fields.query : undefined;
    const violation = query !== undefined ? operationLimiter.check(query) : null;
    // Static cost on the API schema, before anything runs; charged to the cost budget unless refused here.
    const variables = fields.variables && typeof fields.variables === "object" && !Array.isArray(fields.variables) ? (fields.variables as Record<string, unknown>) : {};
    const cost =
      query !== undefined && !violation && apiSchema
        ? operationCost(apiSchema, query, typeof fields.operationName === "string" ? fields.operationName : undefined, variables, config.COST_DEFAULT_LIST_SIZE)
        : null;
    const overCost = cost !== null && cost > config.COST_MAX_PER_OPERATION;
    const decision = await rateLimiter.check({ caller, ip: client.ip, body: operation, cost: cost !== null && !overCost ? cost : 0 }, requestId);
    if (decision.kind === "unavailable") {
      res.setHeader("retry-after", String(decision.retryAfterSeconds));
      return sendGraphQLError(res, 503, "Rate limits cannot be checked right now; retry shortly", "SERVICE_UNAVAILABLE");
    }
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    const refuse = (status: number, message: string, extensions: Record<string, unknown>) =>
      sendJson(res, status, { errors: [{ message, extensions }] }, { "content-type": "application/graphql-response+json; charset=utf-8" });
    if (decision.kind === "limited") {
      logger.info({ requestId, limit: decision.limit }, "rate limited");
      res.setHeader("retry-after", String(decision.retryAfterSeconds));
      return refuse(429, `Rate limit exceeded (${decision.limit}); retry in ${decision.retryAfterSeconds} s`, {
        code: "RATE_LIMITED",
        limit: decision.limit,
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
    if (violation) {
      metrics.operationLimits.inc({ limit: violation.limit });
      return refuse(400, violation.message, { code: "OPERATION_LIMIT", limit: violation.limit, max: violation.max });
    }
    if (overCost) {
      metrics.operationLimits.inc({ limit: "cost" });
      return refuse(400, `Operation cost ${cost} exceeds the maximum of ${config.COST_MAX_PER_OPERATION}`, {
        code: "COST_LIMIT_EXCEEDED",
        limit: "COST_MAX_PER_OPERATION",
        cost,
        max: config.COST_MAX_PER_OPERATION,
      });
    }
    // An ADMIN asking with `Fedbank-Show-Cost: true` gets the estimate in the response extensions.
    const showCost = caller?.role === "ADMIN" && headerValue(req, "fedbank-show-cost") === "true" && cost !== null ? cost : undefined;
    await executeGraphQL(apollo, req, res, body, async () => ({ caller, requestId, client, showCost }));
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
    return { query: params.get("query") ?? undefined, operationName: params.get("operationName") ?? undefined, variables };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (await playground.handle(req, res)) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    switch (url.pathname) {
      case "/graphql":
        return handleGraphQL(req, res);
      case "/health":
        return sendJson(res, 200, { status: "ok", service: "router" });
      case "/ready": {
        const checks = await readiness();
        const ok = Object.values(checks).every((state) => state === "ok");
        return sendJson(res, ok ? 200 : 503, { status: ok ? "ready" : "not ready", service: "router", checks });
      }
      case "/metrics":
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        return res.end(await metrics.registry.metrics());
      default:
        return sendJson(res, 404, { error: "not found" });
    }
  }

  const server = createHttpServer(handle, logger);
  const port = await listen(server, config.ROUTER_PORT, "0.0.0.0");
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url }, "router listening");

  return {
    name: "router",
    port,
    url,
    server,
    async stop() {
      await closeServer(server);
      await apollo.stop();
      rateLimiter.close();
      if (store.kind === "redis") await store.close();
    },
  };
}
