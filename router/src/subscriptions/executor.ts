// Federated subscription execution. The query planner plans a subscription as
// `Subscription { primary: Fetch(owning subgraph), rest: plan }` (@apollo/gateway refuses to execute it).
// We subscribe the primary fetch's operation on the owning subgraph (upstream.ts) and, for every event it
// emits, run `Sequence [primary, rest]` with @apollo/gateway's `executeQueryPlan`, where the primary fetch is
// answered by the event itself (a data source that returns it) and the rest are ordinary, signed entity
// fetches to the other subgraphs. So each event is resolved exactly like a query's response: `_entities`
// batching, requires/rewrites, errors at their paths, and the result shaped to the client's selection
// (aliases, __typename, fragments) by the gateway's own post-processing.
import { buildOperationContext, executeQueryPlan, type ServiceMap } from "@apollo/gateway";
import { Supergraph, operationFromDocument, type Schema } from "@apollo/federation-internals";
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan, type SubscriptionNode } from "@apollo/query-planner";
import type { GraphQLDataSource } from "@apollo/gateway";
import type { DocumentNode, FormattedExecutionResult, GraphQLSchema } from "graphql";
import type { RouterContext } from "../context.js";

type OperationContext = ReturnType<typeof buildOperationContext>;

/** The serviceMap name of the primary fetch: it never reaches a subgraph, the event answers it. */
const EVENT_SOURCE = "__fedbank_subscription_event";
const PLAN_CACHE_LIMIT = 1_000;

export interface SubscriptionPlan {
  /** The owning subgraph and the operation to subscribe there. */
  primary: FetchNode;
  /** Run per event: the primary (answered by the event) then the rest of the plan. */
  perEvent: QueryPlan;
}

export class SubscriptionPlanner {
  private readonly apiSchema: Schema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, SubscriptionPlan>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** The plan of a (validated) subscription document, cached by `cacheKey` (the document's hash). */
  plan(document: DocumentNode, operationName: string | null, cacheKey: string): SubscriptionPlan {
    const key = `${cacheKey}\u0000${operationName ?? ""}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.apiSchema, document, { operationName: operationName ?? undefined });
    const plan = this.planner.buildQueryPlan(operation);
    if (plan.node?.kind !== "Subscription") throw new Error("not a subscription plan");
    const node = plan.node as SubscriptionNode;
    const primaryAsEvent: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
    const nodes: PlanNode[] = node.rest ? [primaryAsEvent, node.rest] : [primaryAsEvent];
    const result: SubscriptionPlan = { primary: node.primary, perEvent: { kind: "QueryPlan", node: { kind: "Sequence", nodes } } };
    if (this.cache.size >= PLAN_CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, result);
    return result;
  }

  /** The gateway's view of the planned operation (fragments indexed), reused for every event. */
  operationContext(apiSchema: GraphQLSchema, document: DocumentNode, operationName: string | null): OperationContext {
    return buildOperationContext({ schema: apiSchema, operationDocument: document, operationName: operationName ?? undefined });
  }

  /**
   * Resolves one event of the primary subscription into the client's response: the rest of the plan runs
   * against `services` (the gateway's signed data sources) with `context` as the caller.
   */
  async resolveEvent(options: {
    plan: SubscriptionPlan;
    event: FormattedExecutionResult;
    services: ServiceMap;
    /** From `operationContext()`, once per subscription (not per event). */
    operationContext: OperationContext;
    operationName: string | null;
    variables: Record<string, unknown>;
    context: RouterContext;
  }): Promise<FormattedExecutionResult> {
    const eventSource: GraphQLDataSource = {
      async process() {
        return { data: options.event.data ?? null, ...(options.event.errors ? { errors: options.event.errors } : {}) } as never;
      },
    };
    const serviceMap: ServiceMap = { ...options.services, [EVENT_SOURCE]: eventSource };
    const operationContext = options.operationContext;
    const requestContext = {
      request: { variables: options.variables, operationName: options.operationName ?? undefined },
      context: options.context,
      metrics: {},
      cache: undefined,
      logger: undefined,
    } as unknown as Parameters<typeof executeQueryPlan>[2];
    const result = await executeQueryPlan(options.plan.perEvent, serviceMap, requestContext, operationContext, this.supergraphSchema, this.apiSchema);
    return {
      data: (result.data ?? null) as FormattedExecutionResult["data"],
      ...(result.errors && result.errors.length > 0
        ? { errors: result.errors.map((error) => ("toJSON" in error && typeof error.toJSON === "function" ? error.toJSON() : error)) }
        : {}),
    } as FormattedExecutionResult;
  }
}
