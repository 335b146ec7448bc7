// Batches `_entities` fetches of subscription events that arrive together. Events are resolved concurrently
// (fanout.ts); when several of them, in the same turn of the event loop, need the same entity fetch (same
// subgraph, same selection) for the same authorization scope, they go out as ONE request whose
// `representations` are the concatenation of theirs, and each gets its slice of `_entities` back (errors
// re-indexed to its slice). Only fetches whose sole variable is `representations` are merged; anything else
// passes through. Scopes never mix: the request carries one user's signed identity, so only fetches of the
// same user, role, scopes and authentication methods are merged (scopeOf), which keeps each subgraph's
// object-level checks exact.
import type { RouterContext } from "../context.js";
import type { SubgraphCall, SubgraphRequest, SubgraphResponse } from "../engine/index.js";

/** The authorization scope of a caller: who they are and what they may do (never the session). */
export function scopeOf(caller: RouterContext["caller"]): string {
  if (!caller) return "anonymous";
  return [caller.userId, caller.role, [...(caller.scopes ?? [])].sort().join(" "), [...(caller.amr ?? [])].sort().join(" ")].join("|");
}

export interface BatchStats {
  /** Entity fetches asked for, and requests actually sent. */
  requested: number;
  sent: number;
}

type Info = Parameters<SubgraphCall<RouterContext>>[2];

interface Pending {
  request: SubgraphRequest;
  info: Info;
  representations: unknown[];
  resolve(response: SubgraphResponse): void;
  reject(error: unknown): void;
}

/** `call` with concurrent `_entities` fetches of one scope, subgraph and selection merged into one request. */
export function batchingCall(call: SubgraphCall<RouterContext>, stats: BatchStats = { requested: 0, sent: 0 }): SubgraphCall<RouterContext> {
  const batches = new Map<string, { subgraph: string; pending: Pending[] }>();

  async function flush(key: string) {
    const batch = batches.get(key);
    batches.delete(key);
    if (!batch || batch.pending.length === 0) return;
    stats.sent += 1;
    const { subgraph, pending } = batch;
    if (pending.length === 1) {
      const [only] = pending as [Pending];
      call(subgraph, only.request, only.info).then(only.resolve, only.reject);
      return;
    }
    const first = pending[0]!;
    const representations = pending.flatMap((each) => each.representations);
    try {
      const response = await call(subgraph, { ...first.request, variables: { representations } }, first.info);
      let offset = 0;
      for (const each of pending) {
        each.resolve(slice(response, offset, each.representations.length));
        offset += each.representations.length;
      }
    } catch (error) {
      for (const each of pending) each.reject(error);
    }
  }

  return (subgraph, request, info) => {
    const representations = request.variables?.representations;
    if (!Array.isArray(representations) || Object.keys(request.variables).length !== 1) return call(subgraph, request, info);
    stats.requested += 1;
    const key = `${subgraph}\u0000${scopeOf(info.context.caller)}\u0000${request.query}`;
    return new Promise<SubgraphResponse>((resolve, reject) => {
      let batch = batches.get(key);
      if (!batch) {
        batch = { subgraph, pending: [] };
        batches.set(key, batch);
        // Everything resolving in this turn (events read from one upstream frame) joins before it goes out.
        setImmediate(() => void flush(key));
      }
      batch.pending.push({ request, info, representations, resolve, reject });
    });
  };
}

/** The part of a merged `_entities` response that answers representations [offset, offset + length). */
function slice(response: SubgraphResponse, offset: number, length: number): SubgraphResponse {
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  const data = Array.isArray(entities) ? { _entities: entities.slice(offset, offset + length) } : (response.data ?? null);
  const errors: NonNullable<SubgraphResponse["errors"]>[number][] = [];
  for (const error of response.errors ?? []) {
    const path = error.path;
    if (path && path[0] === "_entities" && typeof path[1] === "number") {
      if (path[1] < offset || path[1] >= offset + length) continue;
      errors.push({ ...error, path: ["_entities", path[1] - offset, ...path.slice(2)] });
    } else {
      errors.push(error);
    }
  }
  return errors.length > 0 ? { data, errors } : { data };
}
