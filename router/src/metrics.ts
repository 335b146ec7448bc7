import { createServer } from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Logger } from "#kernel/logger.js";

export function createRouterMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "fedbank_router_" });
  return {
    registry,
    requests: new Counter({
      name: "fedbank_router_requests_total",
      help: "HTTP GraphQL requests handled by the router, by status class",
      labelNames: ["status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "fedbank_router_request_duration_seconds",
      help: "Time to answer an HTTP GraphQL request",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: "fedbank_router_auth_failures_total",
      help: "Requests refused because their access token was invalid",
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "fedbank_router_rate_limited_total",
      help: "Requests refused with 429 by a rate limit, by bucket",
      labelNames: ["bucket"],
      registers: [registry],
    }),
    operationLimits: new Counter({
      name: "fedbank_router_operation_limit_rejections_total",
      help: "Operations refused with 400 OPERATION_LIMIT, by limit",
      labelNames: ["limit"],
      registers: [registry],
    }),
    subscriptionSockets: new Gauge({
      name: "fedbank_router_subscription_sockets",
      help: "Open graphql-ws sockets (authenticated or not yet)",
      registers: [registry],
    }),
    subscriptionsActive: new Gauge({
      name: "fedbank_router_subscriptions_active",
      help: "Active client subscriptions",
      registers: [registry],
    }),
    subscriptionEvents: new Counter({
      name: "fedbank_router_subscription_events_total",
      help: "Subscription events resolved and sent to clients",
      registers: [registry],
    }),
    subscriptionCloses: new Counter({
      name: "fedbank_router_subscription_socket_closes_total",
      help: "graphql-ws sockets closed, by close code",
      labelNames: ["code"],
      registers: [registry],
    }),
    rateLimitStoreFailures: new Counter({
      name: "fedbank_router_rate_limit_store_failures_total",
      help: "Rate-limit checks the shared store (Redis) could not answer; the failure policy applied",
      registers: [registry],
    }),
    subgraphCircuitState: new Gauge({
      name: "fedbank_router_subgraph_circuit_state",
      help: "Circuit breaker state per subgraph: 0 closed, 1 open (not called), 2 half-open (one trial call)",
      labelNames: ["subgraph"],
      registers: [registry],
    }),
    subgraphRetries: new Counter({
      name: "fedbank_router_subgraph_retries_total",
      help: "Subgraph fetches of query operations attempted again after a connection failure or 502/503/504",
      labelNames: ["subgraph"],
      registers: [registry],
    }),
    subgraphFetchErrors: new Counter({
      name: "fedbank_router_subgraph_fetch_errors_total",
      help: "Failed subgraph fetch attempts, by reason (network, timeout, status, invalid-response, circuit-open)",
      labelNames: ["subgraph", "reason"],
      registers: [registry],
    }),
    untrustedOperations: new Counter({
      name: "fedbank_router_untrusted_operations_total",
      help: "Operations not in the trusted-documents manifest, by action (logged in log mode, refused in strict mode)",
      labelNames: ["action"],
      registers: [registry],
    }),
  };
}

/** The admin port's default in production (compose and Kubernetes name it explicitly too). */
export const DEFAULT_ADMIN_PORT = 9400;

/**
 * Operational endpoints on their own listener (GET /metrics, GET /health), never on the router's public port
 * in production: bound to loopback unless configured, so only the host (or the pod's network, when the
 * deployment binds 0.0.0.0 on a port the ingress does not route) can scrape it.
 */
export async function startAdminServer(options: { registry: Registry; port: number; host: string; logger: Logger }): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/metrics") {
        const text = await options.registry.metrics();
        res.writeHead(200, { "content-type": options.registry.contentType }).end(text);
        return;
      }
      if (path === "/health") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", service: "router-admin" }));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    })().catch((error: unknown) => {
      options.logger.error({ err: error }, "admin endpoint failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`;
  options.logger.info({ url: `${url}/metrics` }, "admin endpoints listening");
  return {
    port,
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
