// Router metrics by operation, subgraph fetch latency and query-plan cache hits (docs/operations.md), and
// the router's tracing hooks on subgraph fetches (a CLIENT span each, W3C `traceparent` sent).
// Label cardinality is bounded: an operation name becomes a label only once the gateway has resolved it
// in a valid document, names must look like GraphQL names, and after OPERATION_METRICS_MAX_NAMES distinct
// ones every new name is counted as `other`. A request refused before that (token, rate limit, operation
// limits) is counted under its claimed name only if that name is already known, else as `unknown`.
import type { ApolloServerPlugin } from "@apollo/server";
import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import { Counter, Histogram, type Registry } from "prom-client";
import { endClientSpan, startClientSpan, tracingEnabled } from "#kernel/tracing.js";
import type { RouterContext } from "./context.js";

export type OperationOutcome = "success" | "partial" | "error" | "rejected" | "server_error";

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
export const ANONYMOUS = "anonymous";
export const UNKNOWN = "unknown";
export const OTHER = "other";

const RECORD = Symbol("fedbank.operationRecord");
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the router learns about one request while it runs; turned into labels when it finishes. */
export interface OperationRecord {
  /** The operation name the client sent (body or query string), before anything is validated. */
  claimedName: string | undefined;
  /** Set once the gateway resolved the operation in a valid document. */
  resolvedName: string | undefined;
  operationType: string | undefined;
  /** Whether Apollo Server produced the response (false: the router refused the request itself). */
  executed: boolean;
  hadErrors: boolean;
  hadData: boolean;
}

export function createOperationMetrics(registry: Registry, options: { maxNames: number }) {
  const known = new Set<string>();
  const operations = new Counter({
    name: "fedbank_router_operations_total",
    help: "GraphQL operations handled by the router, by operation name (bounded) and outcome",
    labelNames: ["operation", "outcome"],
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: "fedbank_router_operation_duration_seconds",
    help: "Time to answer a GraphQL operation, by operation name (bounded) and outcome",
    labelNames: ["operation", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const fetchDuration = new Histogram({
    name: "fedbank_router_subgraph_fetch_duration_seconds",
    help: "Time of one subgraph fetch attempt made by the router's query plans, by subgraph and outcome (ok, error)",
    labelNames: ["subgraph", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const planCache = new Counter({
    name: "fedbank_router_query_plan_cache_total",
    help: "Query-plan cache look-ups by the gateway, by result (hit or miss)",
    labelNames: ["result"],
    registers: [registry],
  });

  /** The label for a name the gateway resolved (or null for an anonymous operation). */
  function labelForResolved(name: string | null | undefined): string {
    if (!name) return ANONYMOUS;
    if (!GRAPHQL_NAME.test(name)) return UNKNOWN;
    if (known.has(name)) return name;
    if (known.size >= options.maxNames) return OTHER;
    known.add(name);
    return name;
  }

  function labelOf(record: OperationRecord): string {
    if (record.resolvedName !== undefined) return record.resolvedName;
    return record.claimedName !== undefined && known.has(record.claimedName) ? record.claimedName : UNKNOWN;
  }

  function outcomeOf(record: OperationRecord, status: number): OperationOutcome {
    if (status >= 500) return "server_error";
    if (!record.executed) return status >= 400 ? "rejected" : "success";
    if (record.hadErrors) return record.hadData ? "partial" : "error";
    return status >= 400 ? "error" : "success";
  }

  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart({ contextValue }) {
      const record = (contextValue as { [RECORD]?: OperationRecord })[RECORD];
      if (!record) return;
      record.executed = true;
      return {
        async didResolveOperation({ operationName, operation }) {
          record.resolvedName = labelForResolved(operationName);
          record.operationType = operation?.operation;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          record.hadErrors = (result.errors?.length ?? 0) > 0;
          record.hadData = result.data !== undefined && result.data !== null;
        },
      };
    },
  };

  return {
    plugin,
    /** A new record for a request (the router sets `claimedName` once it has read the body). */
    begin(): OperationRecord {
      return {
        claimedName: undefined,
        resolvedName: undefined,
        operationType: undefined,
        executed: false,
        hadErrors: false,
        hadData: false,
      };
    },
    /** Ties the record to the context Apollo Server will run the operation with. */
    attach<T extends object>(record: OperationRecord, contextValue: T): T {
      // A symbol property: Apollo Server hands plugins a shallow copy of the context, which keeps it.
      Object.defineProperty(contextValue, RECORD, { value: record, enumerable: true });
      return contextValue;
    },
    labels(record: OperationRecord, status: number): { operation: string; outcome: OperationOutcome } {
      return { operation: labelOf(record), outcome: outcomeOf(record, status) };
    },
    finish(record: OperationRecord, status: number, seconds: number) {
      const labels = { operation: labelOf(record), outcome: outcomeOf(record, status) };
      operations.inc(labels);
      operationDuration.observe(labels, seconds);
    },
    /** Errors by reason are counted by the resilience policy (fedbank_router_subgraph_fetch_errors_total). */
    fetchObserved(subgraph: string, seconds: number, failed: boolean) {
      fetchDuration.observe({ subgraph, outcome: failed ? "error" : "ok" }, seconds);
    },
    planCacheLookup(hit: boolean) {
      planCache.inc({ result: hit ? "hit" : "miss" });
    },
  };
}

export type OperationMetrics = ReturnType<typeof createOperationMetrics>;

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/**
 * Times a subgraph's fetches into the metrics and, with tracing on, wraps each in a CLIENT span whose
 * context travels in the `traceparent` header (the subgraph's server span continues it).
 */
export function instrumentSubgraphFetcher(subgraph: string, fetcher: Fetcher, metrics: OperationMetrics): Fetcher {
  return async (url, init) => {
    const started = process.hrtime.bigint();
    let span: ReturnType<typeof startClientSpan> = null;
    if (tracingEnabled() && init) {
      const headers = { ...((init.headers ?? {}) as Record<string, string>) };
      span = startClientSpan("router", `subgraph ${subgraph}`, headers, { "fedbank.subgraph": subgraph, "server.address": new URL(String(url)).host });
      if (span) init.headers = headers;
    }
    try {
      const response = await fetcher(url, init);
      metrics.fetchObserved(subgraph, Number(process.hrtime.bigint() - started) / 1e9, response.status >= 500);
      if (span) endClientSpan(span, undefined, response.status);
      return response;
    } catch (error) {
      metrics.fetchObserved(subgraph, Number(process.hrtime.bigint() - started) / 1e9, true);
      if (span) endClientSpan(span, error);
      throw error;
    }
  };
}

/**
 * The gateway's query-plan cache (queryPlannerConfig.cache), with hits and misses counted: a bounded LRU
 * of plans by operation hash. The gateway's own default is a 30 MiB LRU; plans are small, so a count works.
 */
export function countingQueryPlanCache<V>(metrics: OperationMetrics, maxEntries = 2_000) {
  const plans = new Map<string, V>();
  return {
    async get(key: string): Promise<V | undefined> {
      const plan = plans.get(key);
      metrics.planCacheLookup(plan !== undefined);
      if (plan !== undefined) {
        // Most recently used last: Map keeps insertion order.
        plans.delete(key);
        plans.set(key, plan);
      }
      return plan;
    },
    async set(key: string, value: V): Promise<void> {
      plans.delete(key);
      plans.set(key, value);
      if (plans.size > maxEntries) plans.delete(plans.keys().next().value as string);
    },
    async delete(key: string): Promise<boolean | void> {
      plans.delete(key);
    },
    async clear(): Promise<void> {
      plans.clear();
    },
  };
}
