import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

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
