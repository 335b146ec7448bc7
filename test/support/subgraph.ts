// A subgraph in-process, for the fast tests beside each subgraph (subgraphs/<name>/test/): its SDL and
// resolvers built into a schema with `buildSubgraphSchema`, as its service does, and operations executed
// directly (no HTTP, no router, no other process) as a given caller, against a database of its own (a copy
// of the run's migrated template). The router's directives (@authenticated, @requiresScopes) are not applied
// here: these tests are about the subgraph's own rules, which it enforces itself.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { execute, parse, type GraphQLSchema } from "graphql";
import type { Caller, Role } from "#kernel/identity.js";
import { createLogger } from "#kernel/logger.js";
import { scopesOf } from "#kernel/scopes.js";
import type { RequestBase } from "#kernel/subgraph-server.js";
import { ROOT } from "./stack.js";

export interface ExecutionResult<T> {
  data?: T | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

export interface InProcessSubgraph {
  schema: GraphQLSchema;
  /** Runs one operation as `caller` (null: anonymous), with a fresh context (fresh loaders) each time. */
  execute<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller | null): Promise<ExecutionResult<T>>;
}

const log = createLogger("subgraph-test", process.env.TEST_LOG_LEVEL ?? "silent");

/** Calls to other subgraphs are not part of an in-process test: one that happens fails it loudly. */
const noOtherSubgraphs: RequestBase["callSubgraph"] = {
  request: async (url) => {
    throw new Error(`an in-process subgraph test called another subgraph (${url})`);
  },
};

export async function inProcessSubgraph<TContext>(
  name: "users" | "accounts" | "transactions" | "notifications" | "audit" | "reporting",
  /** The subgraph's resolver map (its generated `Resolvers` type). */
  resolvers: object,
  createContext: (base: RequestBase) => TContext,
): Promise<InProcessSubgraph> {
  const typeDefs = parse(await readFile(join(ROOT, "subgraphs", name, "schema.graphql"), "utf8"));
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<TContext> }]);
  return {
    schema,
    async execute(query, variables = {}, caller = null) {
      const base: RequestBase = { caller, requestId: randomUUID(), log, client: { ip: "127.0.0.1", userAgent: "in-process test" }, callSubgraph: noOtherSubgraphs };
      const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: createContext(base) });
      // Through JSON, as a client would receive it (graphql-js builds objects without a prototype).
      return JSON.parse(JSON.stringify({ data: result.data, errors: result.errors?.map((error) => error.toJSON()) })) as ExecutionResult<never>;
    },
  };
}

/** A caller as the router would pass it: the role's scopes, a session. */
export function callerOf(userId: string, role: Role): Caller {
  return { userId, role, sessionId: randomUUID(), scopes: scopesOf(role), amr: ["pwd"] };
}

/** The `extensions.code` of the first error, or undefined. */
export function errorCode(result: ExecutionResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
