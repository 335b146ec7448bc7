// Stock @apollo/gateway's executor, for `ROUTER_ENGINE=apollo` (diagnosis) and the benchmark's baseline:
// imported by router/src/gateway.ts only then, so a router on its own engine never loads @apollo/gateway.
// Every subgraph fetch is signed (kernel/identity.ts): the claims are encoded in willSendRequest, where the
// request context is known, and the HMAC is computed in the fetcher over the exact bytes the data source
// serialized, so what is signed is what is sent. Every fetch runs under its subgraph's resilience policy
// (circuit breaker, retries for query fetches only); one that fails for good answers the gateway with errors
// at the paths it should have filled (partial results). The data sources use a node:http keep-alive agent
// per subgraph origin (router/src/subgraph-fetcher.ts).
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { OperationTypeNode } from "graphql";
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type IdentitySigner } from "#kernel/identity.js";
import type { RouterContext } from "./context.js";
import type { GatewayResilience } from "./gateway.js";
import { countingQueryPlanCache, instrumentSubgraphFetcher, type OperationMetrics } from "./operation-metrics.js";
import { recordQueryPlan } from "./query-plan-extension.js";
import { unavailableErrors } from "./resilience/partial-errors.js";
import { classifyFailure } from "./resilience/subgraph-policy.js";
import { createSubgraphFetcher } from "./subgraph-fetcher.js";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/**
 * Bounds every subgraph fetch (SUBGRAPH_TIMEOUT_MS): make-fetch-happen's `timeout` aborts a request whose
 * response has not arrived in time, and the gateway reports an error at the affected paths.
 */
export function timeoutFetcher(fetcher: Fetcher, timeoutMs: number): Fetcher {
  return (url, init) => fetcher(url, { ...init, timeout: timeoutMs } as typeof init);
}

/** Completes the identity header (claims set in willSendRequest) with the signature over the body sent. */
function signingFetcher(signer: IdentitySigner, fetcher: Fetcher): Fetcher {
  return (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const claims = headers[IDENTITY_HEADER];
    if (claims && init) {
      const target = new URL(String(url));
      const body = typeof init.body === "string" ? init.body : "";
      init.headers = {
        ...headers,
        [IDENTITY_HEADER]: signer.seal(claims, { method: init.method ?? "POST", path: `${target.pathname}${target.search}`, body }),
      };
    }
    return fetcher(url, init);
  };
}

class SignedIdentityDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly subgraphName: string,
    private readonly signer: IdentitySigner,
    timeoutMs: number,
    private readonly resilience?: GatewayResilience,
    observe?: OperationMetrics,
  ) {
    // Our lean keep-alive client instead of make-fetch-happen (router/src/subgraph-fetcher.ts, docs/benchmarks.md).
    super({ url, fetcher: createSubgraphFetcher() });
    this.fetcher = signingFetcher(signer, timeoutFetcher(this.fetcher, timeoutMs));
    // Fetch metrics and the tracing hook (traceparent), outermost so the signed request carries the header.
    if (observe) this.fetcher = instrumentSubgraphFetcher(subgraphName, this.fetcher, observe);
  }

  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const resilience = this.resilience;
    // Only fetches of client operations (health checks and schema loads carry no incoming request).
    if (!resilience || !("incomingRequestContext" in options)) return super.process(options);
    // Only a query's fetches are repeated; a mutation's fetch may have reached the subgraph and moved money.
    const idempotent = options.incomingRequestContext.operation?.operation === OperationTypeNode.QUERY;
    try {
      return await resilience.policies.run(this.subgraphName, idempotent, () => super.process(options));
    } catch (error) {
      const reason = classifyFailure(error);
      const requestId = "requestId" in options.context ? options.context.requestId : undefined;
      if (reason === null) {
        // The subgraph refused the request (4xx): a router/subgraph mismatch, not an outage. Masked for the client.
        resilience.logger.error({ err: error, subgraph: this.subgraphName, requestId }, "subgraph refused the request");
        throw new Error(`subgraph ${this.subgraphName} refused the request`);
      }
      resilience.logger.warn({ err: error, subgraph: this.subgraphName, reason, requestId }, "subgraph fetch failed");
      return { errors: unavailableErrors(this.subgraphName, reason, options.document ?? options.request.query, options.request.variables) };
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    // Health checks and schema loads carry no request context; the supergraph is static, so there are none.
    if (!("requestId" in context)) return;
    request.http?.headers.set(
      IDENTITY_HEADER,
      this.signer.encodeClaims({ caller: context.caller, requestId: context.requestId, client: context.client, audience: this.subgraphName }),
    );
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

/** Stock @apollo/gateway over `supergraphSdl`, its data sources signing, bounded and resilient like the engine's calls. */
export function createApolloGateway(options: {
  supergraphSdl: string;
  urls: ReadonlyMap<string, string>;
  signer: IdentitySigner;
  timeoutMs: number;
  resilience?: GatewayResilience;
  observe?: OperationMetrics;
}): ApolloGateway {
  const { urls, signer, timeoutMs, resilience, observe } = options;
  return new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    ...(observe ? { queryPlannerConfig: { cache: countingQueryPlanCache(observe) } } : {}),
    // The plan that runs, for staff asking for it (router/src/query-plan-extension.ts).
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext }) => recordQueryPlan(requestContext.context, queryPlan),
    buildService({ name }) {
      return new SignedIdentityDataSource(urls.get(name)!, name, signer, timeoutMs, resilience, observe);
    },
  });
}
