// The router's query-plan executor: the one module that runs federated operations.
//
// Contract (what other router code may rely on):
//   const engine = createEngine({ supergraphSdl, call });
//   engine.schema                                  the API schema (graphql-js), what clients validate against
//   engine.subgraphs                               [{ name, url }] from the supergraph's join__Graph
//   await engine.execute({ document, operationName, variables, context, queryHash })
//       → { data?, errors?: GraphQLError[], extensions? }   for a validated query or mutation document,
//         with the same data, errors and key order as @apollo/gateway's executor (differential tests).
//   engine.prepare(document, operationName, queryHash)   → PreparedOperation (plan + projection, cached per
//         normalised operation in an LRU); `prepared.plan.node` is a `Subscription` node for subscriptions.
//   await engine.executePlanNode(prepared, node, data, { variables, context })  → GraphQLError[]
//         runs one plan node (e.g. a subscription's `rest`) against `data`, in place: the per-event part of
//         a subscription (router/src/subscriptions), then `engine.shape(prepared, data, variables, errors)`.
//   await engine.resolveSubscriptionEvent(prepared, event, { variables, context })  both steps for one event.
// `call(subgraph, { query, operationName, variables }, { context, operationKind, path })` is the only way
// out to subgraphs: the router's implementation (router/src/gateway.ts) signs the identity, applies the
// timeout, retries (queries only), circuit breaker, metrics and tracing, and answers a failure with
// SUBGRAPH_UNAVAILABLE errors at the paths the fetch should have filled.
// Plans come from @apollo/query-planner (exact Federation 2 semantics); execution and response shaping are
// ours (execute.ts, shape.ts). Variables are coerced and validated by graphql-js.
import { createHash } from "node:crypto";
import { Supergraph, operationFromDocument, type Operation, type Schema } from "@apollo/federation-internals";
import { QueryPlanner, type PlanNode, type QueryPlan, type SubscriptionNode } from "@apollo/query-planner";
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  executeSync,
  getVariableValues,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import { executePlanNode as runPlanNode, type PlanRun, type SubgraphCall } from "./execute.js";
import { compileProjection, shapeResponse, type Projection } from "./shape.js";
import { createEntityBatcher } from "./batch.js";

export type { SubgraphCall, SubgraphCallInfo, SubgraphRequest, SubgraphResponse, ResponsePath } from "./execute.js";

export interface EngineOptions<C> {
  supergraphSdl: string;
  call: SubgraphCall<C>;
  /** Planned operations kept (LRU). */
  planCacheSize?: number;
  /** Told about every plan-cache look-up (metrics). */
  onPlanCacheLookup?: (hit: boolean) => void;
  /**
   * Entity fetches to one subgraph that are ready in the same turn travel as one request (engine/batch.ts).
   * The `call` then gets `request.parts` and must answer a failure per part (router/src/gateway.ts does).
   */
  batchEntityFetches?: boolean;
  /** Validate the supergraph on load (slower start); defaults to off in production like @apollo/gateway. */
  validateSupergraph?: boolean;
}

export interface ExecuteRequest<C> {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  context: C;
  /** The document's hash when the caller has one (Apollo Server's queryHash); else computed. */
  queryHash?: string;
  /** Told the plan the operation runs with (cache hits included). */
  onPlan?: (plan: QueryPlan) => void;
}

export interface EngineResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
}

export interface PreparedOperation {
  readonly plan: QueryPlan;
  readonly kind: "query" | "mutation" | "subscription";
  readonly variableDefinitions: readonly VariableDefinitionNode[];
  readonly variableDefaults: Record<string, unknown>;
  readonly projection: Projection;
  readonly operation: Operation;
  readonly document: DocumentNode;
}

export interface Engine<C> {
  readonly schema: GraphQLSchema;
  readonly subgraphs: readonly { name: string; url: string | undefined }[];
  execute(request: ExecuteRequest<C>): Promise<EngineResult>;
  prepare(document: DocumentNode, operationName: string | null | undefined, queryHash?: string): PreparedOperation;
  executePlanNode(prepared: PreparedOperation, node: PlanNode, data: Record<string, unknown>, options: { variables: Record<string, unknown>; context: C }): Promise<GraphQLError[]>;
  shape(prepared: PreparedOperation, data: Record<string, unknown> | null | undefined, variables: Record<string, unknown>, errors: GraphQLError[]): EngineResult;
  resolveSubscriptionEvent(
    prepared: PreparedOperation,
    event: FormattedExecutionResult,
    options: { variables: Record<string, unknown>; context: C },
  ): Promise<EngineResult>;
}

export function createEngine<C>(options: EngineOptions<C>): Engine<C> {
  const supergraph = Supergraph.build(options.supergraphSdl, { validateSupergraph: options.validateSupergraph ?? process.env.NODE_ENV !== "production" });
  const apiSchema: Schema = supergraph.apiSchema();
  const schema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const plans = new LRUCache<string, PreparedOperation>({ max: options.planCacheSize ?? 2_000 });
  const subgraphs = [...supergraph.subgraphsMetadata().values()].map((subgraph) => ({ name: subgraph.name, url: subgraph.url }));

  // Type conditions on the supergraph (requires selections may name @inaccessible types), memoised.
  const typeChecks = new Map<string, boolean>();
  function isOfType(typename: string, condition: string): boolean {
    if (typename === condition) return true;
    const key = `${typename}\u0000${condition}`;
    let result = typeChecks.get(key);
    if (result === undefined) {
      const type = supergraphSchema.getType(typename);
      const conditionType = supergraphSchema.getType(condition);
      result = !!type && !!conditionType && isAbstractType(conditionType) && (isObjectType(type) || isInterfaceType(type)) && supergraphSchema.isSubType(conditionType, type);
      typeChecks.set(key, result);
    }
    return result;
  }

  function introspect(selection: Parameters<Parameters<typeof shapeResponse>[4]>[0], variables: Record<string, unknown>, definitions: readonly VariableDefinitionNode[]) {
    const field = selection.expandFragments().toSelectionNode() as FieldNode;
    const used = new Set<string>();
    visit(field, { Variable: ({ name }) => void used.add(name.value) });
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: OperationTypeNode.QUERY,
          variableDefinitions: definitions.filter((definition) => used.has(definition.variable.name.value)),
          selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
        },
      ],
    };
    const result = executeSync({ schema, document, rootValue: {}, variableValues: variables });
    if (result.errors?.length || !result.data) throw new Error("introspection failed");
    return result.data[field.alias?.value ?? field.name.value];
  }

  function prepare(document: DocumentNode, operationName: string | null | undefined, queryHash?: string): PreparedOperation {
    const hash = queryHash ?? createHash("sha256").update(print(document)).digest("hex");
    const key = operationName ? `${hash}\u0000${operationName}` : hash;
    const cached = plans.get(key);
    options.onPlanCacheLookup?.(cached !== undefined);
    if (cached) return cached;
    const planned = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined });
    const plan = planner.buildQueryPlan(planned);
    // Shaping reads its own copy: the planner may normalise the one it planned.
    const operation = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined, validate: false });
    const definition = document.definitions.find(
      (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
    ) as { variableDefinitions?: readonly VariableDefinitionNode[]; operation: OperationTypeNode } | undefined;
    const variableDefinitions = definition?.variableDefinitions ?? [];
    const prepared: PreparedOperation = {
      plan,
      kind: operation.rootKind,
      variableDefinitions,
      variableDefaults: operation.collectDefaultedVariableValues() as Record<string, unknown>,
      projection: compileProjection(operation),
      operation,
      document,
    };
    plans.set(key, prepared);
    return prepared;
  }

  function planRun(prepared: PreparedOperation, variables: Record<string, unknown>, context: C, errors: GraphQLError[]): PlanRun<C> {
    const batcher = options.batchEntityFetches ? createEntityBatcher(options.call) : undefined;
    return { call: options.call, context, operationKind: prepared.kind, variables, variableDefaults: prepared.variableDefaults, isOfType, errors, batcher };
  }

  function shape(prepared: PreparedOperation, data: Record<string, unknown> | null | undefined, variables: Record<string, unknown>, errors: GraphQLError[]): EngineResult {
    let shaped: ReturnType<typeof shapeResponse>;
    try {
      shaped = shapeResponse(prepared.projection, apiSchema, data, variables, (selection, values) => introspect(selection, values, prepared.variableDefinitions));
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })] };
    }
    // As @apollo/gateway: completion errors are reported (in extensions) only when no fetch failed, since a
    // failed fetch usually explains them already.
    if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
  }

  return {
    schema,
    subgraphs,
    prepare,
    shape,
    async execute(request) {
      const variables = (request.variables ?? {}) as Record<string, unknown>;
      const prepared = prepare(request.document, request.operationName, request.queryHash);
      if (prepared.variableDefinitions.length > 0) {
        const coerced = getVariableValues(schema, prepared.variableDefinitions, variables);
        if (coerced.errors) return { errors: [...coerced.errors] };
      }
      if (prepared.plan.node?.kind === "Subscription") throw new Error("subscriptions are served by the subscription transport");
      request.onPlan?.(prepared.plan);
      const errors: GraphQLError[] = [];
      const data: Record<string, unknown> = {};
      if (prepared.plan.node) await runPlanNode(planRun(prepared, variables, request.context, errors), prepared.plan.node, data);
      return shape(prepared, data, variables, errors);
    },
    async executePlanNode(prepared, node, data, { variables, context }) {
      const errors: GraphQLError[] = [];
      await runPlanNode(planRun(prepared, variables, context, errors), node, data);
      return errors;
    },
    async resolveSubscriptionEvent(prepared, event, { variables, context }) {
      const node = prepared.plan.node as SubscriptionNode | undefined;
      if (node?.kind !== "Subscription") throw new Error("not a subscription");
      const errors: GraphQLError[] = (event.errors ?? []).map(
        (error) => new GraphQLError(error.message, { path: error.path, extensions: { ...error.extensions, serviceName: node.primary.serviceName } }),
      );
      const data = (event.data ?? null) as Record<string, unknown> | null;
      if (data && node.rest) {
        await runPlanNode(planRun(prepared, variables, context, errors), node.rest, data);
      }
      return shape(prepared, data, variables, errors);
    },
  };
}

/** Subscription plans split for the transport: what to subscribe upstream, and what runs per event. */
export function subscriptionParts(prepared: PreparedOperation): SubscriptionNode {
  const node = prepared.plan.node;
  if (node?.kind !== "Subscription") throw new Error("not a subscription plan");
  return node;
}
