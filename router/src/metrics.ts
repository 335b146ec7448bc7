import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

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
    rateLimitStoreFailures: new Counter({
      name: "fedbank_router_rate_limit_store_failures_total",
      help: "Rate-limit checks the shared store (Redis) could not answer; the failure policy applied",
      registers: [registry],
    }),
  };
}
