// Apollo Server's public gateway interface (`new ApolloServer({ gateway })`) over the engine: Apollo Server
// keeps parsing, validation, APQ, plugins (authorization, metrics, error masking) and HTTP; every validated
// query and mutation is executed by the engine. The request context Apollo Server hands to a gateway's
// executor is read, never built.
import type { QueryPlan } from "@apollo/query-planner";
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import type { Engine } from "./index.js";

export interface EngineGatewayOptions<C> {
  /** Told the plan each operation runs with (e.g. to show it to staff). */
  onPlan?: (context: C, plan: QueryPlan) => void;
}

export function engineGateway<C>(engine: Engine<C>, supergraphSdl: string, options: EngineGatewayOptions<C> = {}): GatewayInterface {
  const listeners = new Set<Parameters<GatewayInterface["onSchemaLoadOrUpdate"]>[0]>();
  const executor: GatewayExecutor = async (requestContext) => {
    const result = await engine.execute({
      document: requestContext.document,
      operationName: requestContext.request.operationName ?? null,
      variables: requestContext.request.variables,
      context: requestContext.context as C,
      queryHash: requestContext.queryHash,
      onPlan: options.onPlan ? (plan) => options.onPlan!(requestContext.context as C, plan) : undefined,
    });
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
