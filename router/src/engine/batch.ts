// Entity fetches to one subgraph are sent in waves, one request per subgraph and wave: an entity fetch that
// becomes ready while other subgraph requests of the same operation are still in flight waits until none
// is left (every branch of the plan then has either finished or is waiting for its next fetch), and all the
// waiting fetches go out together, those to one subgraph as one request. Which fetches travel together
// depends on the plan and the data only, never on timing (a wave is everything made ready by the answers
// of the previous wave), so the number of subgraph requests per operation is fixed (the de-duplication
// tests count on it). This is how Hive Router's runtime executes plans: The Guild's benchmark query takes
// 7 requests this way instead of 16 (13 with batching per Parallel node only), and fewer HTTP requests per
// operation is where the remaining per-request cost is (docs/benchmarks.md). The price is latency: a wave
// waits for the slowest request of the previous one.
// In a combined request, each fetch's operation becomes an aliased `_entities` field
// (`_0: _entities(...)`), its variables and fragments renamed apart (`$representations__0`, `F__0`), and
// the answer is split back per fetch (`data._0` → that fetch's `_entities`, errors at `_0.…` →
// `_entities.…`).
import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type VariableDefinitionNode } from "graphql";
import type { FetchNode } from "@apollo/query-planner";
import type { SubgraphCall, SubgraphCallInfo, SubgraphRequest, SubgraphResponse } from "./execute.js";

interface Pending<C> {
  fetch: FetchNode;
  variables: Record<string, unknown>;
  info: SubgraphCallInfo<C>;
  resolve: (response: SubgraphResponse) => void;
  reject: (error: unknown) => void;
}

/** What one part of a combined request was, for the transport's partial errors (router/src/gateway.ts). */
export interface BatchPart {
  alias: string;
  query: string;
  variables: Record<string, unknown>;
}

const parsedOperations = new WeakMap<FetchNode, DocumentNode>();
const fetchIds = new WeakMap<FetchNode, number>();
let nextFetchId = 1;
const combined = new Map<string, string>();
const COMBINED_CACHE_LIMIT = 2_000;

function idOf(fetch: FetchNode): number {
  let id = fetchIds.get(fetch);
  if (id === undefined) fetchIds.set(fetch, (id = nextFetchId++));
  return id;
}

/** The combined operation text for these fetches (in this order), cached. */
function combinedQuery(fetches: FetchNode[]): string {
  const key = fetches.map(idOf).join(",");
  const cached = combined.get(key);
  if (cached) return cached;
  const variableDefinitions: VariableDefinitionNode[] = [];
  const fields: FieldNode[] = [];
  const fragments: FragmentDefinitionNode[] = [];
  fetches.forEach((fetch, index) => {
    let document = parsedOperations.get(fetch);
    if (!document) parsedOperations.set(fetch, (document = parse(fetch.operation)));
    const suffix = `__${index}`;
    const renamed = visit(document, {
      Variable: (node) => ({ ...node, name: { ...node.name, value: node.name.value + suffix } }),
      FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: node.name.value + suffix } }),
      FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: node.name.value + suffix } }),
    });
    for (const definition of renamed.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.push(definition);
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      variableDefinitions.push(...(definition.variableDefinitions ?? []));
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) throw new Error("unexpected selection in an entity fetch");
        fields.push({ ...selection, alias: { kind: Kind.NAME, value: `_${index}` } });
      }
    }
  });
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: fetches[0]!.operationKind,
    name: { kind: Kind.NAME, value: "EntityBatch" },
    variableDefinitions,
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
  const text = print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] });
  if (combined.size >= COMBINED_CACHE_LIMIT) combined.clear();
  combined.set(key, text);
  return text;
}

/** Whether a fetch can join a batch: one `_entities` field, nothing else at its root. */
function batchable(fetch: FetchNode): boolean {
  return !!fetch.requires && fetch.operationKind === "query";
}

export function createEntityBatcher<C>(call: SubgraphCall<C>) {
  const pending = new Map<string, Pending<C>[]>();
  /** Subgraph requests of this operation sent and not answered yet (answers delivered to their fetches). */
  let inFlight = 0;
  /** Parallel nodes starting their children (hold/release): no wave leaves before they all asked. */
  let holds = 0;
  let scheduled = false;

  /** Sends `request` and counts it in flight until its answer (or failure) has been handed over. */
  function track(subgraph: string, request: SubgraphRequest, info: SubgraphCallInfo<C>): Promise<SubgraphResponse> {
    inFlight++;
    let answer: Promise<SubgraphResponse>;
    try {
      answer = call(subgraph, request, info);
    } catch (error) {
      // A transport that throws instead of rejecting must not leave the count (and the next wave) stuck.
      answer = Promise.reject(error);
    }
    return answer.finally(settled);
  }

  function settled() {
    inFlight--;
    schedule();
  }

  /**
   * Once nothing is in flight, the waiting fetches leave after the current macrotask: the continuations of
   * the last answer (merge, the next nodes of each Sequence) all run in the microtasks before it.
   */
  function schedule() {
    if (scheduled || inFlight > 0 || holds > 0 || pending.size === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush() {
    scheduled = false;
    if (inFlight > 0 || holds > 0) return;
    const groups = [...pending];
    pending.clear();
    for (const [subgraph, items] of groups) {
      if (items.length === 1) {
        const only = items[0]!;
        track(subgraph, { query: only.fetch.operation, operationName: only.fetch.operationName, variables: only.variables }, only.info).then(only.resolve, only.reject);
        continue;
      }
      sendCombined(subgraph, items);
    }
  }

  function sendCombined(subgraph: string, items: Pending<C>[]) {
    let query: string;
    try {
      query = combinedQuery(items.map((item) => item.fetch));
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    const variables: Record<string, unknown> = {};
    const parts: BatchPart[] = items.map((item, index) => {
      for (const name in item.variables) variables[`${name}__${index}`] = item.variables[name];
      return { alias: `_${index}`, query: item.fetch.operation, variables: item.variables };
    });
    track(subgraph, { query, operationName: "EntityBatch", variables, parts }, items[0]!.info).then(
      (response) => split(response, items),
      (error: unknown) => {
        for (const item of items) item.reject(error);
      },
    );
  }

  function split(response: SubgraphResponse, items: Pending<C>[]) {
    const errorsOf: NonNullable<SubgraphResponse["errors"]>[number][][] = items.map(() => []);
    for (const error of response.errors ?? []) {
      const head = error.path?.[0];
      const index = typeof head === "string" && head.startsWith("_") ? Number(head.slice(1)) : Number.NaN;
      if (Number.isInteger(index) && index >= 0 && index < items.length) {
        errorsOf[index]!.push({ ...error, path: ["_entities", ...error.path!.slice(1)] });
      } else {
        // Not attributable to one part (no path): every part reports it, as separate requests would have.
        for (const list of errorsOf) list.push(error);
      }
    }
    items.forEach((item, index) => {
      const data = response.data ? { _entities: response.data[`_${index}`] ?? null } : response.data;
      const errors = errorsOf[index]!;
      item.resolve({ data: data === undefined ? undefined : data, ...(errors.length ? { errors } : {}) });
    });
  }

  return {
    batchable,
    /** The operation's other subgraph requests (root fetches, mutations), counted in flight. */
    call: track,
    /** While held (a Parallel node starting its children), no wave leaves. */
    hold() {
      holds++;
    },
    release() {
      holds--;
      schedule();
    },
    /** Sends the fetch with the next wave (entity fetches of a query), or now (the others, counted in flight). */
    send(fetch: FetchNode, variables: Record<string, unknown>, info: SubgraphCallInfo<C>): Promise<SubgraphResponse> {
      if (!batchable(fetch)) return track(fetch.serviceName, { query: fetch.operation, operationName: fetch.operationName, variables }, info);
      return new Promise((resolve, reject) => {
        let list = pending.get(fetch.serviceName);
        if (!list) pending.set(fetch.serviceName, (list = []));
        list.push({ fetch, variables, info, resolve, reject });
        schedule();
      });
    },
  };
}

export type EntityBatcher<C> = ReturnType<typeof createEntityBatcher<C>>;
