// `@defer`: runs a plan's Defer nodes and turns each block into incremental payloads (the 2022-08-24
// incremental delivery format Apollo Client and urql read: an initial result with `hasNext: true`, then
// `{ incremental: [{ data, path, label?, errors? }], hasNext }` payloads).
//
// A Defer node (query plans from the planner with `incrementalDelivery.enableDefer`, always at the plan's
// root or under its Condition nodes, nested Defer nodes inside Deferred ones) has a primary block and
// deferred blocks. The primary runs first; when it has completed, its result is shaped and delivered (the
// initial result, or the enclosing deferred block's payload), then its deferred blocks start together: each
// one's `depends` are fetches of the enclosing primary, all done by then. A deferred block runs its node
// against the same response tree (paths from the root), and is delivered as one incremental item per object
// at its `queryPath` that the client has received (walked in the delivered data, so an object nulled in an
// earlier payload gets nothing), shaped by its fragment (shape.ts `shapeDeferred`). A nested block is
// delivered after its parent's payload, never before. Fetch errors of a block go to its items (by path).
import { GraphQLError } from "graphql";
import type { DeferNode, DeferredNode, PlanNode } from "@apollo/query-planner";
import { deepMerge, executePlanNode, type PlanRun, type ResponsePath } from "./execute.js";

type ResultMap = Record<string, unknown>;

/** One incremental item (errors still GraphQLError: the transport formats them like the initial result's). */
export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: ResponsePath;
  label?: string;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
}

export interface SubsequentResult {
  incremental?: IncrementalItem[];
  hasNext: boolean;
}

/** How a block's data becomes items: given by the engine (shaping, labels shown to the client). */
export interface DeferShaper {
  /** The initial result, from the primary block's errors (shapes the whole tree minus deferred fragments). */
  primary(errors: GraphQLError[]): void;
  /** Items of deferred block `label` at the objects found (`at`), with that block's fetch errors. */
  deferred(label: string, at: { object: ResultMap; path: ResponsePath }[], errors: GraphQLError[]): IncrementalItem[];
  /** The client's view so far (the initial data, then every item merged in): where deferred blocks land. */
  delivered(): ResultMap | null | undefined;
}

/** A pushable async iterable of subsequent results; the last one says `hasNext: false`. */
export class IncrementalQueue implements AsyncIterable<SubsequentResult> {
  private readonly ready: SubsequentResult[] = [];
  private waiting: ((result: IteratorResult<SubsequentResult>) => void) | undefined;
  private done = false;
  /** Told when the consumer stops early (client gone): blocks still running finish, nothing is delivered. */
  cancelled = false;

  push(result: SubsequentResult) {
    if (this.done) return;
    if (!result.hasNext) this.done = true;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting({ value: result, done: false });
    } else this.ready.push(result);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubsequentResult> {
    let finished = false;
    return {
      next: () => {
        const value = this.ready.shift();
        if (value) return Promise.resolve({ value, done: false });
        if (finished || (this.done && this.ready.length === 0)) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        finished = true;
        this.cancelled = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** Whether the last result (`hasNext: false`) has been pushed. */
  get ended(): boolean {
    return this.done;
  }
}

/**
 * Runs a plan whose root (under Condition nodes) may be a Defer node. Resolves once the initial result is
 * ready (`shaper.primary` called); the deferred blocks keep running and push their payloads to `queue`.
 * Without a Defer node on the taken branch, everything runs before `primary` (one whole result).
 */
export async function executeDeferredPlan<C>(run: PlanRun<C>, root: PlanNode, data: ResultMap, shaper: DeferShaper, queue: IncrementalQueue): Promise<{ deferred: boolean }> {
  const node = takeConditions(run, root);
  if (!node || node.kind !== "Defer") {
    if (node) await executePlanNode(run, node, data);
    shaper.primary(run.errors);
    return { deferred: false };
  }
  if (node.primary.node) await executePlanNode(run, node.primary.node, data);
  shaper.primary(run.errors);
  // `pending` counts the blocks not yet delivered; the payload that brings it to 0 says hasNext: false.
  const state = { pending: node.deferred.length };
  if (state.pending === 0) {
    queue.push({ hasNext: false });
    return { deferred: true };
  }
  for (const deferred of node.deferred) void runDeferred(run, deferred, data, shaper, queue, state);
  return { deferred: true };
}

/** Follows Condition nodes from the root (defer conditions are planned as root conditions). */
function takeConditions<C>(run: PlanRun<C>, node: PlanNode | undefined): PlanNode | undefined {
  while (node?.kind === "Condition") {
    let value = Object.hasOwn(run.variables, node.condition) ? run.variables[node.condition] : undefined;
    if (value === undefined) value = run.variableDefaults[node.condition];
    if (typeof value !== "boolean") throw new Error(`Invalid non-boolean value for variable $${node.condition}`);
    node = value ? node.ifClause : node.elseClause;
  }
  return node;
}

async function runDeferred<C>(parent: PlanRun<C>, block: DeferredNode, data: ResultMap, shaper: DeferShaper, queue: IncrementalQueue, state: { pending: number }) {
  // Each block has its own errors (they go to its items); the batcher and everything else are shared.
  const run: PlanRun<C> = { ...parent, errors: [] };
  let children: DeferredNode[] = [];
  try {
    const node = block.node;
    if (node?.kind === "Defer") {
      if (node.primary.node) await executePlanNode(run, node.primary.node, data);
      children = node.deferred;
    } else if (node) {
      await executePlanNode(run, node, data);
    }
  } catch (error) {
    run.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error }));
  }
  if (queue.cancelled) return;
  let items: IncrementalItem[];
  try {
    items = shaper.deferred(block.label ?? "", objectsAt(data, shaper.delivered(), block.queryPath, run), run.errors);
  } catch (error) {
    // A shaping failure (a subgraph answered a malformed value): the block's items carry the error, no data.
    items = [{ data: null, path: [], errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })] }];
  }
  // Children are counted before this payload goes, so its hasNext is right.
  state.pending += children.length - 1;
  queue.push(items.length > 0 ? { incremental: items, hasNext: state.pending > 0 } : { hasNext: state.pending > 0 });
  for (const child of children) void runDeferred(parent, child, data, shaper, queue, state);
}

/**
 * The objects at `queryPath` (field response names and `... on T` conditions) in the response tree that the
 * client has also received (non-null in `delivered`), with their concrete paths (list indexes included).
 */
function objectsAt<C>(data: ResultMap, delivered: ResultMap | null | undefined, queryPath: readonly string[], run: PlanRun<C>) {
  const found: { object: ResultMap; path: ResponsePath }[] = [];
  const walk = (raw: unknown, seen: unknown, from: number, path: ResponsePath) => {
    if (raw === null || raw === undefined || seen === null || seen === undefined) return;
    if (Array.isArray(raw)) {
      if (!Array.isArray(seen)) return;
      for (let index = 0; index < raw.length; index++) {
        path.push(index);
        walk(raw[index], seen[index], from, path);
        path.pop();
      }
      return;
    }
    if (typeof raw !== "object" || typeof seen !== "object") return;
    const object = raw as ResultMap;
    if (from === queryPath.length) {
      found.push({ object, path: path.slice() });
      return;
    }
    const segment = queryPath[from]!;
    if (segment.startsWith("... on ")) {
      const typename = object.__typename;
      if (typeof typename === "string" && typename && !run.isOfType(typename, segment.slice(7))) return;
      walk(raw, seen, from + 1, path);
      return;
    }
    path.push(segment);
    walk(object[segment], (seen as ResultMap)[segment], from + 1, path);
    path.pop();
  };
  walk(data, delivered, 0, []);
  return found;
}

/** Merges an item into the client's view (the data it has received so far). */
export function mergeDelivered(delivered: ResultMap, item: IncrementalItem) {
  if (!item.data) return;
  let target: unknown = delivered;
  for (const segment of item.path) {
    if (target === null || typeof target !== "object") return;
    target = (target as Record<string | number, unknown>)[segment];
  }
  // A copy: the item itself is delivered as it is now, whatever is merged into the view later.
  if (target && typeof target === "object" && !Array.isArray(target)) deepMerge(target as ResultMap, structuredClone(item.data));
}

export type { DeferNode };
