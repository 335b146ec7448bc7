// Batches `_entities` fetches of subscription events that arrive together. Events are resolved concurrently
// (fanout.ts); when several of them, in the same turn of the event loop, need the same entity fetch (same
// subgraph, same selection) for the same authorization scope, they go out as ONE request whose
// `representations` are the concatenation of theirs, and each gets its slice of `_entities` back (errors
// re-indexed to its slice). Only fetches whose sole variable is `representations` are merged; anything else
// passes through. Scopes never mix: the request carries one user's signed identity, so only fetches of the
// same user, role and scopes are merged (scopeOf), which keeps each subgraph's object-level checks exact.
import type { GraphQLDataSource, ServiceMap } from "@apollo/gateway";
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { RouterContext } from "../context.js";

type ProcessOptions = GraphQLDataSourceProcessOptions<RouterContext>;
type Response = Awaited<ReturnType<GraphQLDataSource["process"]>>;
type ResponseError = NonNullable<Response["errors"]>[number];

/** The authorization scope of a caller: who they are and what they may do (never the session). */
export function scopeOf(caller: RouterContext["caller"]): string {
  if (!caller) return "anonymous";
  return [caller.userId, caller.role, [...(caller.scopes ?? [])].sort().join(" "), [...(caller.amr ?? [])].sort().join(" ")].join("|");
}

interface Pending {
  options: ProcessOptions;
  representations: unknown[];
  resolve(response: Response): void;
  reject(error: unknown): void;
}

export interface BatchStats {
  /** Entity fetches asked for, and requests actually sent. */
  requested: number;
  sent: number;
}

/** `services` with every data source batching concurrent `_entities` fetches of one scope. */
export function batchingServices(services: ServiceMap, stats: BatchStats = { requested: 0, sent: 0 }): ServiceMap {
  return Object.fromEntries(Object.entries(services).map(([name, source]) => [name, batchingSource(source, stats)]));
}

function batchingSource(source: GraphQLDataSource, stats: BatchStats): GraphQLDataSource {
  const batches = new Map<string, Pending[]>();

  async function flush(key: string) {
    const batch = batches.get(key);
    batches.delete(key);
    if (!batch || batch.length === 0) return;
    stats.sent += 1;
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      source.process(only.options as never).then(only.resolve, only.reject);
      return;
    }
    const first = batch[0]!.options;
    const representations = batch.flatMap((each) => each.representations);
    const merged = { ...first, request: { ...first.request, variables: { representations } } } as ProcessOptions;
    try {
      const response = await source.process(merged as never);
      let offset = 0;
      for (const pending of batch) {
        pending.resolve(slice(response, offset, pending.representations.length));
        offset += pending.representations.length;
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  return {
    process(options) {
      const request = options.request;
      const variables = request.variables;
      const representations = variables?.representations;
      const mergeable =
        options.kind === "incoming operation" &&
        Array.isArray(representations) &&
        Object.keys(variables ?? {}).length === 1 &&
        typeof request.query === "string";
      if (!mergeable) return source.process(options);
      stats.requested += 1;
      const key = `${scopeOf((options.context as RouterContext).caller)}\u0000${request.query}`;
      return new Promise<Response>((resolve, reject) => {
        let batch = batches.get(key);
        if (!batch) {
          batch = [];
          batches.set(key, batch);
          // Everything resolving in this turn (events read from one upstream frame, or from one socket read)
          // joins before the request goes out.
          setImmediate(() => void flush(key));
        }
        batch.push({ options: options as ProcessOptions, representations, resolve, reject });
      });
    },
  };
}

/** The part of a merged `_entities` response that answers representations [offset, offset + length). */
function slice(response: Response, offset: number, length: number): Response {
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  const data = Array.isArray(entities) ? { _entities: entities.slice(offset, offset + length) } : (response.data ?? null);
  const errors: ResponseError[] = [];
  for (const error of response.errors ?? []) {
    const path = error.path;
    if (path && path[0] === "_entities" && typeof path[1] === "number") {
      if (path[1] < offset || path[1] >= offset + length) continue;
      errors.push({ ...error, path: ["_entities", path[1] - offset, ...path.slice(2)] } as ResponseError);
    } else {
      errors.push(error);
    }
  }
  return { ...response, data, ...(errors.length > 0 ? { errors } : { errors: undefined }) } as Response;
}
