// The gateway Apollo Server runs over the committed supergraph: queries and mutations through the router's
// engine (router/src/engine, createEngine), with `engineSubgraphCall` below as its only way out to the
// subgraphs. Every fetch is signed (kernel/identity.ts: fresh claims per fetch, the HMAC over the exact bytes
// sent) and runs under its subgraph's resilience policy (resilience/subgraph-policy.ts): timeout, circuit
// breaker, retries for a query's fetches only. A fetch that fails for good is answered with errors at the
// paths it should have filled (resilience/partial-errors.ts), so the client gets a partial result; the details
// (URL, cause) go to the log only. `ROUTER_ENGINE=apollo` runs stock @apollo/gateway's executor instead
// (diagnosis, the benchmark's baseline): router/src/apollo-executor.ts, imported only then, so a router on its
// engine never loads @apollo/gateway (about 0.6 s of CPU and its memory at every start).
// Connections: the engine's posters (router/src/subgraph-fetcher.ts) keep one undici pool per subgraph
// (keep-alive, 256 connections, no retries of their own).
import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { endClientSpan, startClientSpan, tracingEnabled } from "#kernel/tracing.js";
import { createEngine, type Engine, type SubgraphCall, type SubgraphRequest, type SubgraphResponse } from "./engine/index.js";
import { engineGateway } from "./engine/apollo-server.js";
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type IdentitySigner } from "#kernel/identity.js";
import type { Logger } from "#kernel/logger.js";
import type { RouterContext } from "./context.js";
import { createSubgraphPoster } from "./subgraph-fetcher.js";
import { recordQueryPlan } from "./query-plan-extension.js";
import type { OperationMetrics } from "./operation-metrics.js";
import { unavailableErrors } from "./resilience/partial-errors.js";
import { classifyFailure, type SubgraphPolicies } from "./resilience/subgraph-policy.js";

/** Resilience of the subgraph calls: policies per subgraph and where failures are logged. */
export interface GatewayResilience {
  policies: SubgraphPolicies;
  logger: Logger;
}

/** Settings of the engine's subgraph calls (the same as the data sources'). */
export interface SubgraphCallSettings {
  urls: ReadonlyMap<string, string>;
  signer: IdentitySigner;
  timeoutMs: number;
  resilience?: GatewayResilience;
  observe?: OperationMetrics;
}

/** An HTTP answer that is not a GraphQL response: classified like RemoteGraphQLDataSource's (resilience). */
function statusError(status: number, statusText: string): GraphQLError {
  return new GraphQLError(`${status}: ${statusText}`, { extensions: { code: "SUBGRAPH_HTTP_ERROR", response: { status, statusText } } });
}

/** The query texts of the plans' fetches, JSON-encoded once (they are long and the same every time). */
const encodedQueries = new Map<string, string>();
const ENCODED_QUERIES_LIMIT = 4_000;

/**
 * `JSON.stringify({ query, variables, operationName })`, byte for byte, with the query's encoding cached:
 * only the variables (the representations) are serialised per request.
 */
export function requestBody(request: SubgraphRequest): string {
  let query = encodedQueries.get(request.query);
  if (query === undefined) {
    if (encodedQueries.size >= ENCODED_QUERIES_LIMIT) encodedQueries.clear();
    encodedQueries.set(request.query, (query = JSON.stringify(request.query)));
  }
  const variables = request.variables === undefined ? "" : `,"variables":${JSON.stringify(request.variables)}`;
  const operationName = request.operationName === undefined ? "" : `,"operationName":${JSON.stringify(request.operationName)}`;
  return `{"query":${query}${variables}${operationName}}`;
}

/**
 * The engine's way out to the subgraphs: JSON POST with the signed identity (fresh claims per fetch,
 * HMAC over the exact body), the timeout, the subgraph's resilience policy (retries for a query's
 * fetches only, circuit breaker), fetch metrics and a CLIENT span with `traceparent`. A fetch that fails for
 * good is answered with SUBGRAPH_UNAVAILABLE errors at the paths it should have filled (partial results);
 * a 4xx refusal is a router/subgraph mismatch: thrown, masked for the client, logged.
 */
export function engineSubgraphCall(settings: SubgraphCallSettings): SubgraphCall<RouterContext> {
  const posters = new Map([...settings.urls].map(([name, url]) => [name, createSubgraphPoster(url)]));

  async function attempt(subgraph: string, body: string, context: RouterContext): Promise<SubgraphResponse> {
    const poster = posters.get(subgraph);
    if (!poster) throw new Error(`subgraph ${subgraph} has no URL`);
    // name, value, … as undici takes them (no object per request).
    const headers = ["content-type", "application/json", "accept", "application/json"];
    if (context && "requestId" in context) {
      // Fresh claims per fetch: each carries its own nonce (the subgraphs refuse a replayed one).
      const claims = settings.signer.encodeClaims({ caller: context.caller, requestId: context.requestId, client: context.client, audience: subgraph });
      headers.push(IDENTITY_HEADER, settings.signer.seal(claims, { method: "POST", path: poster.path, body }), REQUEST_ID_HEADER, context.requestId);
    }
    const observe = settings.observe;
    const started = observe ? process.hrtime.bigint() : 0n;
    let span: ReturnType<typeof startClientSpan> = null;
    if (tracingEnabled()) {
      // The span's context travels as `traceparent` (and `tracestate`) headers.
      const propagated: Record<string, string> = {};
      span = startClientSpan("router", `subgraph ${subgraph}`, propagated, { "fedbank.subgraph": subgraph });
      for (const name in propagated) headers.push(name, propagated[name]!);
    }
    try {
      const response = await poster.post(headers, body, settings.timeoutMs);
      observe?.fetchObserved(subgraph, Number(process.hrtime.bigint() - started) / 1e9, response.status >= 500);
      if (span) endClientSpan(span, undefined, response.status);
      if (response.status < 200 || response.status >= 300) throw statusError(response.status, response.statusText);
      try {
        return JSON.parse(response.body) as SubgraphResponse;
      } catch {
        throw new Error(`Expected JSON response body, but received: ${response.body.slice(0, 100)}`);
      }
    } catch (error) {
      if (span && !(error instanceof GraphQLError)) endClientSpan(span, error);
      if (observe && !(error instanceof GraphQLError)) observe.fetchObserved(subgraph, Number(process.hrtime.bigint() - started) / 1e9, true);
      throw error;
    }
  }

  return async (subgraph, request, info) => {
    const body = requestBody(request);
    const resilience = settings.resilience;
    if (!resilience) return attempt(subgraph, body, info.context);
    // Only a query's fetches are repeated; a mutation's fetch may have reached the subgraph and moved money.
    try {
      return await resilience.policies.run(subgraph, info.operationKind === "query", () => attempt(subgraph, body, info.context));
    } catch (error) {
      const reason = classifyFailure(error);
      const requestId = info.context?.requestId;
      if (reason === null) {
        resilience.logger.error({ err: error, subgraph, requestId }, "subgraph refused the request");
        throw new Error(`subgraph ${subgraph} refused the request`);
      }
      resilience.logger.warn({ err: error, subgraph, reason, requestId }, "subgraph fetch failed");
      if (request.parts) {
        // A batch of entity fetches (router/src/engine/batch.ts): each part's errors at its own alias.
        return {
          errors: request.parts.flatMap((part) =>
            unavailableErrors(subgraph, reason, part.query, part.variables).map((error) => (error.path ? { ...error, path: [part.alias, ...error.path.slice(1)] } : error)),
          ) as GraphQLFormattedError[],
        };
      }
      return { errors: unavailableErrors(subgraph, reason, request.query, request.variables) as GraphQLFormattedError[] };
    }
  };
}

/** Which executor runs queries and mutations: the router's engine (default) or stock @apollo/gateway's. */
export type ExecutorChoice = "engine" | "apollo";

/**
 * The gateway Apollo Server runs, over `supergraphSdl` (already stripped of what @apollo/gateway refuses,
 * see authorization.ts): the router's engine behind Apollo Server's gateway interface, or with
 * `executor: "apollo"` stock @apollo/gateway (router/src/apollo-executor.ts, imported only then). `engine` is
 * the router's engine either way (subscriptions run on it), `call` its way out to the subgraphs.
 */
export async function createGateway(
  supergraphSdl: string,
  urlOverrides: Record<string, string>,
  signer: IdentitySigner,
  timeoutMs: number,
  resilience?: GatewayResilience,
  observe?: OperationMetrics,
  executor: ExecutorChoice = "engine",
): Promise<{ gateway: GatewayInterface; engine: Engine<RouterContext>; subgraphUrls: Map<string, string>; call: SubgraphCall<RouterContext> }> {
  const subgraphUrls = new Map<string, string>();
  const engine = createEngine<RouterContext>({
    supergraphSdl,
    call: (subgraph, request, info) => call(subgraph, request, info),
    onPlanCacheLookup: observe ? (hit) => observe.planCacheLookup(hit) : undefined,
    // Entity fetches to one subgraph ready together share one request; failures answered per part below.
    batchEntityFetches: true,
  });
  // The subgraph URLs are known from the supergraph (and the overrides) before any gateway loads.
  for (const { name, url } of engine.subgraphs) {
    const target = urlOverrides[name] ?? url;
    if (!target) throw new Error(`subgraph ${name} has no URL: set SUBGRAPH_${name.toUpperCase()}_URL`);
    subgraphUrls.set(name, target);
    resilience?.policies.register(name);
  }
  const call = engineSubgraphCall({ urls: subgraphUrls, signer, timeoutMs, resilience, observe });
  if (executor === "apollo") {
    const { createApolloGateway } = await import("./apollo-executor.js");
    return { gateway: createApolloGateway({ supergraphSdl, urls: subgraphUrls, signer, timeoutMs, resilience, observe }), engine, subgraphUrls, call };
  }
  const gateway = engineGateway(engine, supergraphSdl, { onPlan: (context, plan) => recordQueryPlan(context as RouterContext, plan) });
  return { gateway, engine, subgraphUrls, call };
}
