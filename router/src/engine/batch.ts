// Entity fetches to one subgraph started together are sent as one request: the first fetches of a Parallel
// node's children, and the fetches unblocked by one batched answer (started in the microtasks after it,
// before any other I/O can run). Which fetches travel together depends on the plan only, never on timing,
// so the number of subgraph requests per operation is fixed (the de-duplication tests count on it). In a
// batch, each fetch's operation becomes an aliased `_entities` field (`_0: _entities(...)`), its variables
// and fragments renamed apart (`$representations__0`, `F__0`), and the answer is split back per fetch
// (`data._0` → that fetch's `_entities`, errors at `_0.…` → `_entities.…`). Fewer HTTP requests per operation
// (The Guild's benchmark query: 16 fetches) is where the remaining per-request cost is (docs/benchmarks.md).
import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type VariableDefinitionNode } from "graphql";
import type { FetchNode } from "@apollo/query-planner";
import type { SubgraphCall, SubgraphCallInfo, SubgraphResponse } from "./execute.js";

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
/** Microtask turns a resumed fetch takes to start the next fetch of its Sequence (merge, return, loop). */
const CONTINUATION_HOPS = 16;

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
  let holds = 0;

  function flush() {
    const groups = [...pending];
    pending.clear();
    for (const [subgraph, items] of groups) {
      if (items.length === 1) {
        const only = items[0]!;
        call(subgraph, { query: only.fetch.operation, operationName: only.fetch.operationName, variables: only.variables }, only.info).then(only.resolve, only.reject);
        continue;
      }
      void sendCombined(subgraph, items);
    }
  }

  async function sendCombined(subgraph: string, items: Pending<C>[]) {
    let query: string;
    try {
      query = combinedQuery(items.map((item) => item.fetch));
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    const variables: Record<string, unknown> = {};
    const parts: BatchPart[] = items.map((item, index) => {
      for (const [name, value] of Object.entries(item.variables)) variables[`${name}__${index}`] = value;
      return { alias: `_${index}`, query: item.fetch.operation, variables: item.variables };
    });
    let response: SubgraphResponse;
    try {
      response = await call(subgraph, { query, operationName: "EntityBatch", variables, parts }, items[0]!.info);
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
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
    // The fetches this answer unblocks (next steps of the parts' Sequences) start in the microtasks that
    // follow, before any other I/O can run: held until then, those to one subgraph share a request too.
    hold();
    items.forEach((item, index) => {
      const data = response.data ? { _entities: response.data[`_${index}`] ?? null } : response.data;
      const errors = errorsOf[index]!;
      item.resolve({ data: data === undefined ? undefined : data, ...(errors.length ? { errors } : {}) });
    });
    for (let hop = 0; hop < CONTINUATION_HOPS; hop++) await undefined;
    release();
  }

  function hold() {
    holds++;
  }

  function release() {
    holds--;
    if (holds === 0 && pending.size > 0) flush();
  }

  return {
    batchable,
    /** While held (a Parallel node starting its children), fetches wait to be sent together. */
    hold,
    release,
    /** Sends the fetch now, or with the others to the same subgraph started under the same hold. */
    send(fetch: FetchNode, variables: Record<string, unknown>, info: SubgraphCallInfo<C>): Promise<SubgraphResponse> {
      if (holds === 0) return call(fetch.serviceName, { query: fetch.operation, operationName: fetch.operationName, variables }, info);
      return new Promise((resolve, reject) => {
        let list = pending.get(fetch.serviceName);
        if (!list) pending.set(fetch.serviceName, (list = []));
        list.push({ fetch, variables, info, resolve, reject });
      });
    },
  };
}

export type EntityBatcher<C> = ReturnType<typeof createEntityBatcher<C>>;
