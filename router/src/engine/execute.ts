// Runs a query plan's nodes against an in-memory response tree: Sequence, Parallel, Flatten, Fetch and
// Condition. An entity fetch collects its representations from the tree (the fetch's `requires` selection:
// typename, keys, @requires fields; input rewrites applied to the copy), sends each distinct representation
// once, and merges the answers back in place (output rewrites first). Errors of a fetch are mapped onto the
// client's paths the way @apollo/gateway maps them (`_entities.<i>.<field>` → the entity's path).
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlanSelectionNode } from "@apollo/query-planner";
import type { BatchPart, EntityBatcher } from "./batch.js";

export type ResponsePath = (string | number)[];
type ResultMap = Record<string, unknown>;

/** One GraphQL request to one subgraph (what a Fetch node sends). */
export interface SubgraphRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** Set when several entity fetches travel as one request (engine/batch.ts): what each part was. */
  parts?: BatchPart[];
}

/** A subgraph's GraphQL answer. A transport failure is answered with errors (partial results), or thrown. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface SubgraphCallInfo<C> {
  context: C;
  /** The client operation's type: only a query's fetches may be retried. */
  operationKind: "query" | "mutation" | "subscription";
  /** Where in the response this fetch lands (with `@` for lists). */
  path: ResponsePath;
}

export type SubgraphCall<C> = (subgraph: string, request: SubgraphRequest, info: SubgraphCallInfo<C>) => Promise<SubgraphResponse>;

/** Answers "is an object with this __typename of this type condition" on the supergraph. */
export type TypeConditionCheck = (typename: string, condition: string) => boolean;

export interface PlanRun<C> {
  call: SubgraphCall<C>;
  context: C;
  operationKind: "query" | "mutation" | "subscription";
  /** The client's variables as sent (subgraphs apply their own defaults). */
  variables: Record<string, unknown>;
  /** Default values of the operation's variables (for Condition nodes). */
  variableDefaults: Record<string, unknown>;
  isOfType: TypeConditionCheck;
  errors: GraphQLError[];
  /** Entity fetches to one subgraph ready in the same turn share a request (engine/batch.ts). */
  batcher?: EntityBatcher<C>;
}

/** Runs `node` against `data` (the response tree, mutated in place). */
export async function executePlanNode<C>(run: PlanRun<C>, node: PlanNode, data: ResultMap): Promise<void> {
  await executeNode(run, node, [], data, data);
}

async function executeNode<C>(run: PlanRun<C>, node: PlanNode, path: ResponsePath, current: ResultMap | ResultMap[], root: ResultMap): Promise<void> {
  switch (node.kind) {
    case "Sequence":
      for (const child of node.nodes) await executeNode(run, child, path, current, root);
      return;
    case "Parallel": {
      // The children's first fetches start synchronously: held, those to one subgraph share a request.
      run.batcher?.hold();
      let children: Promise<void[]>;
      try {
        children = Promise.all(node.nodes.map((child) => executeNode(run, child, path, current, root)));
      } finally {
        run.batcher?.release();
      }
      await children;
      return;
    }
    case "Flatten": {
      const inner = flattenAtPath(current, node.path);
      if (inner === undefined || inner === null) return;
      await executeNode(run, node.node, path.concat(node.path), inner as ResultMap | ResultMap[], root);
      return;
    }
    case "Fetch":
      try {
        await executeFetch(run, node, path, current, root);
      } catch (error) {
        run.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error }));
      }
      return;
    case "Condition": {
      let value = Object.hasOwn(run.variables, node.condition) ? run.variables[node.condition] : undefined;
      if (value === undefined) value = run.variableDefaults[node.condition];
      if (typeof value !== "boolean") throw new Error(`Invalid non-boolean value for variable $${node.condition}`);
      const branch = value ? node.ifClause : node.elseClause;
      if (branch) await executeNode(run, branch, path, current, root);
      return;
    }
    case "Defer":
      throw new Error("@defer is not supported by this engine yet");
  }
}

function flattenAtPath(value: unknown, path: readonly (string | number)[], from = 0): unknown {
  if (from === path.length || value === undefined || value === null) return value;
  const segment = path[from]!;
  if (segment === "@") {
    if (!Array.isArray(value)) return undefined;
    const out: unknown[] = [];
    for (const element of value) {
      const inner = flattenAtPath(element, path, from + 1);
      if (Array.isArray(inner)) out.push(...inner);
      else out.push(inner);
    }
    return out;
  }
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${segment}`);
  const object = value as ResultMap;
  return flattenAtPath(Object.hasOwn(object, segment as string) ? object[segment as string] : undefined, path, from + 1);
}

async function executeFetch<C>(run: PlanRun<C>, fetch: FetchNode, path: ResponsePath, current: ResultMap | ResultMap[], root: ResultMap) {
  const entities: ResultMap[] = Array.isArray(current) ? current.filter((entity) => entity !== null && entity !== undefined) : [current];
  if (entities.length === 0) return;
  const variables: Record<string, unknown> = {};
  for (const name of fetch.variableUsages ?? []) {
    if (Object.hasOwn(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
  }
  const info: SubgraphCallInfo<C> = { context: run.context, operationKind: run.operationKind, path };
  const request = { query: fetch.operation, operationName: fetch.operationName };

  if (!fetch.requires) {
    const response = await run.call(fetch.serviceName, { ...request, variables }, info);
    if (response.errors) pushErrors(run, response.errors, fetch.serviceName, (errorPath) => (errorPath ? [...path, ...errorPath] : undefined));
    const received = response.data;
    if (received) applyRewrites(run, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  // Representations, each distinct one sent once: `unique[i]` is the index sent for entity `owners[i]`.
  const representations: ResultMap[] = [];
  const byKey = new Map<string, number>();
  const owners: number[] = [];
  const unique: number[] = [];
  for (let index = 0; index < entities.length; index++) {
    const representation = selectRequired(run, entities[index]!, fetch.requires);
    if (!representation || !representation.__typename) continue;
    if (fetch.inputRewrites) applyRewrites(run, fetch.inputRewrites, representation);
    const key = representationKey(representation);
    let at = byKey.get(key);
    if (at === undefined) {
      at = representations.length;
      byKey.set(key, at);
      representations.push(representation);
    }
    owners.push(index);
    unique.push(at);
  }
  if (representations.length === 0) return;
  if ("representations" in variables) throw new Error('Variables cannot contain key "representations"');
  const fetchVariables = { ...variables, representations };
  const response =
    run.batcher && run.batcher.batchable(fetch)
      ? await run.batcher.send(fetch, fetchVariables, info)
      : await run.call(fetch.serviceName, { ...request, variables: fetchVariables }, info);
  if (response.errors) pushEntityErrors(run, response.errors, fetch.serviceName, path, root, unique);
  const received = response.data;
  if (!received) return;
  const answers = received._entities;
  if (!Array.isArray(answers)) throw new Error('Expected "data._entities" in response to be an array');
  if (answers.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${owners.length} elements`);
  const rewritten = new Set<number>();
  for (let i = 0; i < owners.length; i++) {
    const entity = entities[owners[i]!]!;
    const at = unique[i]!;
    const answer = answers[at] as ResultMap | null | undefined;
    if (answer && !rewritten.has(at)) {
      rewritten.add(at);
      if (!answer.__typename) answer.__typename = entity.__typename;
      applyRewrites(run, fetch.outputRewrites, answer);
    }
    deepMerge(entity, answer);
  }
}

/** A representation's identity for de-duplication: flat ones (typename and scalar keys) without JSON. */
function representationKey(representation: ResultMap): string {
  let key = "";
  for (const name in representation) {
    const value = representation[name];
    if (value !== null && typeof value === "object") return JSON.stringify(representation);
    const text = String(value);
    // Length-prefixed: no two different representations share a key.
    key += `${name}:${typeof value}:${text.length}:${text};`;
  }
  return key;
}

/** The fetch's `requires` selection read from one entity; null when an input is missing. */
function selectRequired<C>(run: PlanRun<C>, source: ResultMap | null, selections: readonly QueryPlanSelectionNode[]): ResultMap | null {
  if (source === null) return null;
  const result: ResultMap = {};
  for (const selection of selections) {
    if (selection.kind === "Field") {
      const name = selection.alias ?? selection.name;
      const value = Object.hasOwn(source, name) ? source[name] : undefined;
      if (value === undefined) return null;
      const inner = selection.selections;
      if (Array.isArray(value)) result[name] = inner ? value.map((element) => selectRequiredList(run, element, inner)) : value;
      else if (inner) result[name] = selectRequired(run, value as ResultMap | null, inner);
      else result[name] = value;
    } else {
      if (!selection.typeCondition) continue;
      const typename = source.__typename;
      if (typeof typename === "string" && typename && run.isOfType(typename, selection.typeCondition)) {
        deepMerge(result, selectRequired(run, source, selection.selections));
      }
    }
  }
  return result;
}

function selectRequiredList<C>(run: PlanRun<C>, value: unknown, selections: readonly QueryPlanSelectionNode[]): unknown {
  if (Array.isArray(value)) return value.map((element) => selectRequiredList(run, element, selections));
  return selectRequired(run, value as ResultMap | null, selections);
}

/** Applies a fetch's input/output rewrites (value setters and key renamers, paths with `... on T`). */
function applyRewrites<C>(run: PlanRun<C>, rewrites: readonly FetchDataRewrite[] | undefined, value: ResultMap) {
  if (!rewrites) return;
  for (const rewrite of rewrites) {
    if (rewrite.path.length === 0) continue;
    const last = rewrite.path[rewrite.path.length - 1]!;
    applyAt(run, rewrite.path, 0, value, (object) => {
      if (rewrite.kind === "ValueSetter") object[last] = rewrite.setValueTo;
      else if (object[last]) {
        object[rewrite.renameKeyTo] = object[last];
        object[last] = undefined;
      }
    });
  }
}

function applyAt<C>(run: PlanRun<C>, path: readonly string[], from: number, value: unknown, apply: (object: ResultMap) => void) {
  if (Array.isArray(value)) {
    for (const element of value) applyAt(run, path, from, element, apply);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const object = value as ResultMap;
  if (from === path.length - 1) return apply(object);
  const segment = path[from]!;
  if (segment.startsWith("... on ")) {
    const typename = object.__typename;
    // Without a __typename the rewrite applies (the planner relies on it).
    if (typeof typename !== "string" || !typename || run.isOfType(typename, segment.slice(7))) applyAt(run, path, from + 1, object, apply);
    return;
  }
  applyAt(run, path, from + 1, Object.hasOwn(object, segment) ? object[segment] : undefined, apply);
}

function isObject(value: unknown): value is ResultMap {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Merges `source` into `target` in place (objects field by field, equal-length lists element by element). */
export function deepMerge(target: ResultMap, source: unknown) {
  if (source === undefined || source === null) return;
  const from = source as ResultMap;
  for (const key of Object.keys(from)) {
    const incoming = from[key];
    if (incoming === undefined) continue;
    const existing = target[key];
    if (existing && isObject(incoming)) {
      deepMerge(existing as ResultMap, incoming);
    } else if (Array.isArray(incoming) && Array.isArray(existing) && incoming.length === existing.length) {
      for (let i = 0; i < incoming.length; i++) {
        if (isObject(existing[i]) && isObject(incoming[i])) deepMerge(existing[i] as ResultMap, incoming[i]);
        else existing[i] = incoming[i];
      }
    } else {
      target[key] = incoming;
    }
  }
}

function downstreamError(error: GraphQLFormattedError, serviceName: string, path: ResponsePath | undefined): GraphQLError {
  const extensions: Record<string, unknown> = { ...error.extensions, serviceName };
  if (!error.extensions?.code) extensions.code = "DOWNSTREAM_SERVICE_ERROR";
  return new GraphQLError(error.message || `Error while fetching subquery from service "${serviceName}"`, {
    originalError: error as Error,
    path,
    extensions,
  });
}

function pushErrors<C>(run: PlanRun<C>, errors: readonly GraphQLFormattedError[], serviceName: string, pathOf: (path: readonly (string | number)[] | undefined) => ResponsePath | undefined) {
  for (const error of errors) run.errors.push(downstreamError(error, serviceName, pathOf(error.path)));
}

/**
 * An entity fetch's errors: `_entities.<i>...` points at representation `i`, which stands for every entity
 * that sent it; each gets its error at its own path (entities are numbered along the flatten path), in the
 * subgraph's error order (identical to @apollo/gateway's when no representation was shared).
 */
function pushEntityErrors<C>(run: PlanRun<C>, errors: readonly GraphQLFormattedError[], serviceName: string, path: ResponsePath, root: ResultMap, unique: number[]) {
  let hydrated: ResponsePath[] | undefined;
  // A run of consecutive errors of one representation is repeated for each entity that shares it, the way
  // the subgraph would have listed them had each entity sent its own copy.
  let runOf = -1;
  let pending: GraphQLFormattedError[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    if (!hydrated) {
      hydrated = [];
      hydratePaths([], path, 0, root, hydrated);
    }
    for (let original = 0; original < unique.length; original++) {
      if (unique[original] !== runOf) continue;
      for (const error of pending) {
        run.errors.push(downstreamError(error, serviceName, [...(hydrated[original] ?? []), ...error.path!.slice(2)]));
      }
    }
    pending = [];
  };
  for (const error of errors) {
    const errorPath = error.path;
    if (typeof errorPath?.[1] !== "number") {
      flush();
      run.errors.push(downstreamError(error, serviceName, errorPath ? [...path, ...errorPath] : undefined));
      continue;
    }
    if (errorPath[1] !== runOf) {
      flush();
      runOf = errorPath[1];
    }
    pending.push(error);
  }
  flush();
}

function hydratePaths(parent: ResponsePath, path: ResponsePath, from: number, data: unknown, out: ResponsePath[]) {
  if (data === null || data === undefined) return;
  if (from === path.length) {
    out.push(parent.slice());
    return;
  }
  const head = path[from]!;
  if (head === "@") {
    if (!Array.isArray(data)) return;
    data.forEach((value, index) => {
      parent.push(index);
      hydratePaths(parent, path, from + 1, value, out);
      parent.pop();
    });
  } else if (Array.isArray(data)) {
    data.forEach((value, index) => {
      parent.push(index);
      hydratePaths(parent, path, from, value, out);
      parent.pop();
    });
  } else {
    const object = data as ResultMap;
    if (Object.hasOwn(object, head as string)) {
      parent.push(head);
      hydratePaths(parent, path, from + 1, object[head as string], out);
      parent.pop();
    }
  }
}
