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
//   createEngine({ ..., planCache: createPlanCache(size) })   engines given one cache share prepared operations
//         (each operation planned once for all, e.g. an engine with `batchEntityFetches` beside one without);
//         entries are keyed by the supergraph's hash too, so engines over other supergraphs never meet them.
//   `execute({ ..., incremental: true })` on a query containing @defer (engine/defer.ts): planned with deferred
//   blocks; the result is the initial one and, when something was deferred, `hasNext: true` and `subsequent`
//   (the incremental payloads, 2022-08-24 format). Without `incremental`, @defer is planned as if absent (one
//   whole result), as for every mutation and subscription (the spec lets a server ignore @defer).
// `call(subgraph, { query, operationName, variables }, { context, operationKind, path })` is the only way
// out to subgraphs: the router's implementation (router/src/gateway.ts) signs the identity, applies the
// timeout, retries (queries only), circuit breaker, metrics and tracing, and answers a failure with
// SUBGRAPH_UNAVAILABLE errors at the paths the fetch should have filled.
// Plans come from @apollo/query-planner (exact Federation 2 semantics); execution and response shaping are
// ours (execute.ts, shape.ts). Variables are coerced and validated by graphql-js.
import { createHash } from "node:crypto";
import {
  Field,
  Operation,
  SelectionSetUpdates,
  Supergraph,
  baseType,
  operationFromDocument,
  selectionOfElement,
  selectionSetOf,
  type CompositeType,
  type FieldSelection,
  type Schema,
  type SelectionSet,
} from "@apollo/federation-internals";
import { QueryPlanner, type PlanNode, type QueryPlan, type SubscriptionNode } from "@apollo/query-planner";
import {
  BREAK,
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
import { executePlanNode as runPlanNode, type PlanRun, type ResponsePath, type SubgraphCall } from "./execute.js";
import { compileProjection, shapeDeferred, shapeResponse, type Projection } from "./shape.js";
import { IncrementalQueue, executeDeferredPlan, mergeDelivered, type IncrementalItem, type SubsequentResult } from "./defer.js";
import { createEntityBatcher } from "./batch.js";

export type { SubgraphCall, SubgraphCallInfo, SubgraphRequest, SubgraphResponse, ResponsePath } from "./execute.js";
export type { IncrementalItem, SubsequentResult } from "./defer.js";

export interface EngineOptions<C> {
  supergraphSdl: string;
  call: SubgraphCall<C>;
  /** Planned operations kept (LRU); ignored with `planCache`. */
  planCacheSize?: number;
  /** A plan cache shared with other engines (`createPlanCache`) instead of one of the engine's own. */
  planCache?: PlanCache;
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
  /** The client takes incremental delivery: a query's @defer is honoured (`subsequent` in the result). */
  incremental?: boolean;
}

export interface EngineResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
  /** Deferred data follows (incremental delivery): the initial result is this one. */
  hasNext?: true;
  /** The deferred payloads, in delivery order; the last says `hasNext: false`. */
  subsequent?: AsyncIterable<SubsequentResult>;
}

export interface PreparedOperation {
  readonly plan: QueryPlan;
  readonly kind: "query" | "mutation" | "subscription";
  readonly variableDefinitions: readonly VariableDefinitionNode[];
  readonly variableDefaults: Record<string, unknown>;
  readonly projection: Projection;
  readonly operation: Operation;
  readonly document: DocumentNode;
  /** Planned with deferred blocks: the labels the planner assigned (not shown to the client). */
  readonly deferred?: { readonly assignedLabels: ReadonlySet<string> };
}

export interface Engine<C> {
  readonly schema: GraphQLSchema;
  readonly subgraphs: readonly { name: string; url: string | undefined }[];
  execute(request: ExecuteRequest<C>): Promise<EngineResult>;
  prepare(document: DocumentNode, operationName: string | null | undefined, queryHash?: string, options?: { incremental?: boolean }): PreparedOperation;
  executePlanNode(prepared: PreparedOperation, node: PlanNode, data: Record<string, unknown>, options: { variables: Record<string, unknown>; context: C }): Promise<GraphQLError[]>;
  shape(prepared: PreparedOperation, data: Record<string, unknown> | null | undefined, variables: Record<string, unknown>, errors: GraphQLError[]): EngineResult;
  resolveSubscriptionEvent(
    prepared: PreparedOperation,
    event: FormattedExecutionResult,
    options: { variables: Record<string, unknown>; context: C },
  ): Promise<EngineResult>;
}

/** Prepared operations shared by engines (`EngineOptions.planCache`); only engines read its entries. */
export interface PlanCache {
  readonly entries: LRUCache<string, PreparedOperation>;
}

/** A plan cache for engines to share, keeping `size` prepared operations (LRU) across all of them. */
export function createPlanCache(size = 2_000): PlanCache {
  return { entries: new LRUCache<string, PreparedOperation>({ max: size }) };
}

export function createEngine<C>(options: EngineOptions<C>): Engine<C> {
  const supergraph = Supergraph.build(options.supergraphSdl, { validateSupergraph: options.validateSupergraph ?? process.env.NODE_ENV !== "production" });
  const apiSchema: Schema = supergraph.apiSchema();
  // With @defer declared: clients validate deferred queries against it (engine/defer.ts runs them).
  const schema = apiSchema.toGraphQLJSSchema({ includeDefer: true });
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  // Operations with @defer, when the client takes incremental delivery, are planned by a second planner
  // (created on first use) so that every other operation keeps exactly its plan.
  let deferPlanner: QueryPlanner | undefined;
  const plans = options.planCache?.entries ?? new LRUCache<string, PreparedOperation>({ max: options.planCacheSize ?? 2_000 });
  // A shared cache may also serve engines over other supergraphs: a prepared operation holds this one's plan.
  const supergraphKey = options.planCache ? `${createHash("sha256").update(options.supergraphSdl).digest("hex")}\u0002` : "";
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

  /**
   * Schema introspection selected on one object (shape.ts): graphql-js executes those fields, all at once, on
   * the API schema (merging those that share a response name, as the spec does).
   */
  function introspect(selections: readonly FieldSelection[], variables: Record<string, unknown>, definitions: readonly VariableDefinitionNode[]) {
    const fields = selections.map((selection) => selection.expandFragments().toSelectionNode() as FieldNode);
    const used = new Set<string>();
    for (const field of fields) visit(field, { Variable: ({ name }) => void used.add(name.value) });
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: OperationTypeNode.QUERY,
          variableDefinitions: definitions.filter((definition) => used.has(definition.variable.name.value)),
          selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
        },
      ],
    };
    const result = executeSync({ schema, document, rootValue: {}, variableValues: variables });
    if (result.errors?.length || !result.data) throw new Error("introspection failed");
    return result.data;
  }

  function prepare(document: DocumentNode, operationName: string | null | undefined, queryHash?: string, prepareOptions?: { incremental?: boolean }): PreparedOperation {
    const hash = queryHash ?? createHash("sha256").update(print(document)).digest("hex");
    const named = operationName ? `${hash}\u0000${operationName}` : hash;
    const key = supergraphKey + (prepareOptions?.incremental ? `${named}\u0001incremental` : named);
    const cached = plans.get(key);
    options.onPlanCacheLookup?.(cached !== undefined);
    if (cached) return cached;
    if (prepareOptions?.incremental) {
      const prepared = prepareDeferred(document, operationName) ?? prepare(document, operationName, hash);
      plans.set(key, prepared);
      return prepared;
    }
    let planned = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined });
    if (selectsSchemaIntrospection(document)) planned = withoutSchemaIntrospection(planned);
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

  /** A query with @defer planned with its deferred blocks; undefined when there is nothing to defer. */
  function prepareDeferred(document: DocumentNode, operationName: string | null | undefined): PreparedOperation | undefined {
    if (!containsDefer(document)) return undefined;
    const planned = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined });
    if (planned.rootKind !== "query") return undefined;
    // Every @defer labelled (the planner's own normalisation, done here so that the plan's deferred blocks
    // carry the labels the projection knows); the labels it assigned are not shown to the client.
    const normalised = planned.expandAllFragments().withNormalizedDefer();
    if (!normalised.hasDefers) return undefined;
    deferPlanner ??= new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } });
    let plan: QueryPlan;
    try {
      const toPlan = withTypenameUnderConditionedFields(normalised.operation);
      plan = deferPlanner.buildQueryPlan(selectsSchemaIntrospection(document) ? withoutSchemaIntrospection(toPlan) : toPlan);
    } catch {
      // The planner cannot defer some selections: answered whole.
      return undefined;
    }
    if (!plan.node) return undefined;
    // Shaping reads its own copy, normalised the same way (the same labels, in document order).
    const operation = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined, validate: false }).expandAllFragments().withNormalizedDefer().operation;
    const definition = document.definitions.find(
      (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
    ) as { variableDefinitions?: readonly VariableDefinitionNode[] } | undefined;
    const projection = compileProjection(operation, { deferred: true });
    // A deferred fragment the plan has no block for (e.g. introspection only) is delivered with its parent.
    const blocks = deferredLabels(plan.node);
    for (const [label, { fragment }] of projection.deferred!) if (!blocks.has(label)) fragment.defer = undefined;
    return {
      plan,
      kind: operation.rootKind,
      variableDefinitions: definition?.variableDefinitions ?? [],
      variableDefaults: operation.collectDefaultedVariableValues() as Record<string, unknown>,
      projection,
      operation,
      document,
      deferred: { assignedLabels: new Set(normalised.assignedDeferLabels) },
    };
  }

  /** Runs a query planned with deferred blocks: the initial result, and the rest as it completes. */
  async function executeIncrementally(prepared: PreparedOperation, variables: Record<string, unknown>, context: C): Promise<EngineResult> {
    const errors: GraphQLError[] = [];
    const data: Record<string, unknown> = {};
    const run = planRun(prepared, variables, context, errors);
    const queue = new IncrementalQueue();
    const introspection = (selections: readonly FieldSelection[], values: Record<string, unknown>) => introspect(selections, values, prepared.variableDefinitions);
    const assigned = prepared.deferred!.assignedLabels;
    let initial: EngineResult = {};
    let delivered: Record<string, unknown> | null | undefined;
    // Overlapping deferred fragments may fetch the same field more than once: its error is reported once.
    const reported = new Set<string>();
    const firstReport = (error: GraphQLError) => {
      const key = `${error.message}\u0000${error.path?.join("\u0000") ?? ""}`;
      if (reported.has(key)) return false;
      reported.add(key);
      return true;
    };
    const outcome = await executeDeferredPlan(run, prepared.plan.node as PlanNode, data, {
      primary(primaryErrors) {
        initial = shape(prepared, data, variables, primaryErrors);
        for (const error of initial.errors ?? []) firstReport(error);
        // The client's view, apart from the initial result (which the transport may still change).
        delivered = initial.data ? structuredClone(initial.data) : initial.data;
      },
      deferred(label, at, blockErrors) {
        const items: IncrementalItem[] = [];
        for (const { object, path } of at) {
          const shaped = shapeDeferred(prepared.projection, apiSchema, label, object, path, variables, introspection);
          if (!shaped) continue;
          const item: IncrementalItem = { data: shaped.data, path };
          if (!assigned.has(label)) item.label = label;
          // As for a whole result: completion errors are reported (in extensions) only when no fetch failed.
          if (blockErrors.length === 0 && shaped.errors.length > 0) item.extensions = { valueCompletion: shaped.errors };
          items.push(item);
          if (delivered) mergeDelivered(delivered, item);
        }
        assignErrors(items, blockErrors.filter(firstReport));
        return items;
      },
      delivered: () => delivered,
    }, queue);
    return outcome.deferred ? { ...initial, hasNext: true, subsequent: queue } : initial;
  }

  function planRun(prepared: PreparedOperation, variables: Record<string, unknown>, context: C, errors: GraphQLError[]): PlanRun<C> {
    const batcher = options.batchEntityFetches ? createEntityBatcher(options.call) : undefined;
    // With batching, every request of the operation goes through the batcher (it counts those in flight).
    return { call: batcher ? batcher.call : options.call, context, operationKind: prepared.kind, variables, variableDefaults: prepared.variableDefaults, isOfType, errors, batcher };
  }

  function shape(prepared: PreparedOperation, data: Record<string, unknown> | null | undefined, variables: Record<string, unknown>, errors: GraphQLError[]): EngineResult {
    let shaped: ReturnType<typeof shapeResponse>;
    try {
      shaped = shapeResponse(prepared.projection, apiSchema, data, variables, (selections, values) => introspect(selections, values, prepared.variableDefinitions));
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
      const prepared = prepare(request.document, request.operationName, request.queryHash, request.incremental ? { incremental: true } : undefined);
      if (prepared.variableDefinitions.length > 0) {
        const coerced = getVariableValues(schema, prepared.variableDefinitions, variables);
        if (coerced.errors) return { errors: [...coerced.errors] };
      }
      if (prepared.plan.node?.kind === "Subscription") throw new Error("subscriptions are served by the subscription transport");
      request.onPlan?.(prepared.plan);
      if (prepared.deferred && prepared.plan.node) return executeIncrementally(prepared, variables, request.context);
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

/** Whether a document selects `__schema` or `__type` anywhere (operations and fragments). */
function selectsSchemaIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== "__schema" && node.name.value !== "__type") return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * The operation to plan without its schema introspection (`__schema`, `__type`), which the router answers
 * itself (shape.ts). The planner leaves out only the top-level ones: those in a fragment it keeps (one with
 * @skip, @include or @defer) or under a field returning the query type make it fail ("Was not able to find
 * any options for __schema"). Fragments expanded (as the planner does first); the named ones kept for its
 * reuse in subgraph fetches. A field left with nothing selected asks for `__typename` (whether it is null).
 */
function withoutSchemaIntrospection(operation: Operation): Operation {
  const expanded = operation.expandAllFragments();
  const selectionSet = stripSchemaIntrospection(expanded.selectionSet);
  if (selectionSet === expanded.selectionSet) return operation;
  return new Operation(operation.schema(), operation.rootKind, selectionSet, operation.variableDefinitions, operation.fragments, operation.name, operation.appliedDirectives);
}

function stripSchemaIntrospection(selectionSet: SelectionSet): SelectionSet {
  return selectionSet.lazyMap((selection) => {
    if (selection.kind === "FieldSelection" && selection.element.definition.isSchemaIntrospectionField()) return undefined;
    if (!selection.selectionSet) return selection;
    const inner = stripSchemaIntrospection(selection.selectionSet);
    if (inner === selection.selectionSet) return selection;
    if (!inner.isEmpty()) return selection.withUpdatedSelectionSet(inner);
    if (selection.kind !== "FieldSelection") return undefined;
    const type = baseType(selection.element.definition.type!) as CompositeType;
    return selection.withUpdatedSelectionSet(selectionSetOf(type, selectionOfElement(new Field(type.typenameField()!))));
  });
}

/**
 * The operation to plan with deferred blocks, where a field with a variable @skip/@include also selects
 * `__typename` without conditions. The planner takes the conditions shared by every sub-selection of such a
 * field as the field's own (@apollo/query-planner's `conditionsOfSelection`) and skips a fetch that selects
 * only it: `user @include(if: $yes) { birthday @include(if: $no) }` is not fetched when $no is false and
 * arrives as null, where it is `{}`. The whole plan's fetches rarely select only such a field; a deferred
 * block's often do (its fetch holds just the deferred part), so without this the incremental result had
 * null where the whole one has `{}`. Shaping reads its own copy: the client never sees the `__typename`.
 */
function withTypenameUnderConditionedFields(operation: Operation): Operation {
  const selectionSet = addTypenameUnderConditionedFields(operation.selectionSet);
  if (selectionSet === operation.selectionSet) return operation;
  return new Operation(operation.schema(), operation.rootKind, selectionSet, operation.variableDefinitions, operation.fragments, operation.name, operation.appliedDirectives);
}

function addTypenameUnderConditionedFields(selectionSet: SelectionSet): SelectionSet {
  return selectionSet.lazyMap((selection) => {
    if (!selection.selectionSet) return selection;
    let inner = addTypenameUnderConditionedFields(selection.selectionSet);
    if (selection.kind === "FieldSelection" && hasVariableCondition(selection.element.appliedDirectives)) {
      const unconditioned = inner.selections().some((each) => each.kind === "FieldSelection" && each.element.name === "__typename" && !each.element.alias && each.element.appliedDirectives.length === 0);
      if (!unconditioned) {
        const type = inner.parentType;
        inner = new SelectionSetUpdates().add(inner).add(selectionOfElement(new Field(type.typenameField()!))).toSelectionSet(type);
      }
    }
    return inner === selection.selectionSet ? selection : selection.withUpdatedSelectionSet(inner);
  });
}

function hasVariableCondition(directives: readonly { name: string; arguments(): Record<string, unknown> }[]): boolean {
  return directives.some((directive) => (directive.name === "skip" || directive.name === "include") && typeof directive.arguments().if !== "boolean");
}

/** Whether a document uses @defer anywhere (operations and fragments). */
function containsDefer(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== "defer") return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** The labels of every deferred block of a plan (all branches). */
function deferredLabels(node: PlanNode | SubscriptionNode | undefined, found = new Set<string>()): Set<string> {
  if (!node) return found;
  switch (node.kind) {
    case "Defer":
      deferredLabels(node.primary.node, found);
      for (const deferred of node.deferred) {
        if (deferred.label) found.add(deferred.label);
        deferredLabels(deferred.node, found);
      }
      break;
    case "Condition":
      deferredLabels(node.ifClause, found);
      deferredLabels(node.elseClause, found);
      break;
    case "Sequence":
    case "Parallel":
      for (const child of node.nodes) deferredLabels(child, found);
      break;
    case "Flatten":
      deferredLabels(node.node, found);
      break;
  }
  return found;
}

/** Each error of a deferred block goes to the item whose path leads to it (else the first item). */
function assignErrors(items: IncrementalItem[], errors: GraphQLError[]) {
  if (errors.length === 0 || items.length === 0) return;
  const startsWith = (path: readonly (string | number)[] | undefined, prefix: ResponsePath) => !!path && prefix.every((segment, index) => path[index] === segment);
  for (const error of errors) {
    const item = items.find((candidate) => startsWith(error.path, candidate.path)) ?? items[0]!;
    (item.errors ??= []).push(error);
  }
}

/** Subscription plans split for the transport: what to subscribe upstream, and what runs per event. */
export function subscriptionParts(prepared: PreparedOperation): SubscriptionNode {
  const node = prepared.plan.node;
  if (node?.kind !== "Subscription") throw new Error("not a subscription plan");
  return node;
}
