// Apollo Server's public gateway interface (`new ApolloServer({ gateway })`) over the engine: Apollo Server
// keeps parsing, validation, APQ, plugins (authorization, metrics, error masking) and HTTP; every validated
// query and mutation is executed by the engine. The request context Apollo Server hands to a gateway's
// executor is read, never built.
import type { QueryPlan } from "@apollo/query-planner";
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import type { Engine, SubsequentResult } from "./index.js";

// Incremental delivery (@defer) through Apollo Server, which hands a gateway's result over as one JSON body:
// the transport marks a request's context as taking incremental delivery (`acceptIncrementalDelivery`),
// the executor then gives Apollo Server the initial result (so its plugins and error formatting apply to
// it as to any result) and leaves the deferred payloads in the context's box, which the transport takes
// (`takeSubsequentResults`) to write them after the initial one. A symbol property holding a shared box:
// Apollo Server hands the gateway a shallow copy of the context, which keeps it.
const INCREMENTAL = Symbol("fedbank.incrementalDelivery");
interface IncrementalBox {
  subsequent?: AsyncIterable<SubsequentResult>;
}

/** Marks a request context as taking incremental delivery (the client accepts multipart/mixed). */
export function acceptIncrementalDelivery<T extends object>(context: T): T {
  Object.defineProperty(context, INCREMENTAL, { value: {} satisfies IncrementalBox, enumerable: true });
  return context;
}

/** The deferred payloads left by the executor for this context (once), if the operation deferred any. */
export function takeSubsequentResults(context: object): AsyncIterable<SubsequentResult> | undefined {
  const box = (context as { [INCREMENTAL]?: IncrementalBox })[INCREMENTAL];
  const subsequent = box?.subsequent;
  if (box) box.subsequent = undefined;
  return subsequent;
}

export interface EngineGatewayOptions<C> {
  /** Told the plan each operation runs with (e.g. to show it to staff). */
  onPlan?: (context: C, plan: QueryPlan) => void;
}

export function engineGateway<C>(engine: Engine<C>, supergraphSdl: string, options: EngineGatewayOptions<C> = {}): GatewayInterface {
  const listeners = new Set<Parameters<GatewayInterface["onSchemaLoadOrUpdate"]>[0]>();
  const executor: GatewayExecutor = async (requestContext) => {
    const box = (requestContext.context as { [INCREMENTAL]?: IncrementalBox })[INCREMENTAL];
    const { subsequent, hasNext: _hasNext, ...result } = await engine.execute({
      document: requestContext.document,
      operationName: requestContext.request.operationName ?? null,
      variables: requestContext.request.variables,
      context: requestContext.context as C,
      queryHash: requestContext.queryHash,
      onPlan: options.onPlan ? (plan) => options.onPlan!(requestContext.context as C, plan) : undefined,
      incremental: box !== undefined,
    });
    if (box && subsequent) box.subsequent = subsequent;
    return result as Awaited<ReturnType<GatewayExecutor>>;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      // The supergraph is static: announced once, when Apollo Server starts.
      for (const listener of listeners) listener({ apiSchema: engine.schema, coreSupergraphSdl: supergraphSdl });
      return { executor };
    },
    async stop() {
      listeners.clear();
    },
  };
}
