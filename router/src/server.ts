// The router process: verifies access tokens, runs operations through the gateway, and serves /health,
// /ready (every subgraph ready) and /metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { createClient, type RedisClientType } from "redis";
import { maskError } from "../../kernel/errors.js";
import { closeServer, createHttpServer, executeGraphQL, listen, parseGraphQLBody, sendGraphQLError, sendJson } from "../../kernel/http.js";
import { IdentitySigner } from "../../kernel/identity.js";
import { createLogger } from "../../kernel/logger.js";
import { headerValue, type RunningService } from "../../kernel/subgraph-server.js";
import { AuthError, createTokenVerifier } from "./auth.js";
import { subgraphUrlOverrides, type RouterConfig } from "./config.js";
import type { RouterContext } from "./context.js";
import { createGateway } from "./gateway.js";
import { createRouterMetrics } from "./metrics.js";

export async function startRouter(config: RouterConfig): Promise<RunningService> {
  const logger = createLogger("router", config.LOG_LEVEL);
  const metrics = createRouterMetrics();
  const signer = new IdentitySigner(config.ROUTER_IDENTITY_SECRET);
  const verifier = createTokenVerifier({ jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const { gateway, subgraphUrls } = await createGateway(config.SUPERGRAPH_PATH, subgraphUrlOverrides(config));

  let redis: RedisClientType | undefined;
  if (config.REDIS_URL) {
    redis = createClient({ url: config.REDIS_URL, socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) } });
    redis.on("error", (error: Error) => logger.warn({ err: error.message }, "redis connection problem"));
    await redis.connect();
  }

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: config.INTROSPECTION ?? config.NODE_ENV !== "production",
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    formatError: (formatted, error) => {
      const masked = maskError(formatted);
      if (masked !== formatted && masked.extensions?.code === "INTERNAL_SERVER_ERROR") {
        logger.error({ err: error }, "unexpected error in operation");
      }
      return masked;
    },
    // The analysts' playground is served by the router itself (no CDN); until then, no landing page.
    plugins: [ApolloServerPluginLandingPageDisabled()],
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
        if (!redis) return;
        try {
          await redis.ping();
          checks.redis = "ok";
        } catch {
          checks.redis = "unreachable";
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
      if (!(error instanceof AuthError)) throw error;
      metrics.authFailures.inc();
      logger.info({ requestId, reason: error.message }, "access token refused");
      res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
      return sendGraphQLError(res, 401, error.message, "UNAUTHENTICATED");
    }
    const body = await parseGraphQLBody(req);
    let identityToken: Promise<string> | undefined;
    await executeGraphQL(apollo, req, res, body, async () => ({
      caller,
      requestId,
      get identityToken() {
        identityToken ??= signer.sign(caller, requestId);
        return identityToken;
      },
    }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
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
      await redis?.quit().catch(() => undefined);
    },
  };
}
