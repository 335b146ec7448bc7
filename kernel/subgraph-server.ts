// Everything a subgraph process shares with the others: Apollo Server over node:http, the router-signed
// identity check, /health, /ready, /metrics, error masking, graceful shutdown.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { parse } from "graphql";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { createDatabase, sqlStatements, type Database, type PrismaClient } from "./db.js";
import { maskError } from "./errors.js";
import { closeServer, createHttpServer, executeGraphQL, listen, parseGraphQLBodyBytes, readRawBody, sendGraphQLError, sendJson } from "./http.js";
import { createSubgraphCaller, type SubgraphCaller } from "./internal-client.js";
import { IDENTITY_HEADER, IdentityError, IdentitySigner, identityMaxAgeMs, type Caller, type SignedIdentity } from "./identity.js";
import { createLogger, type Logger } from "./logger.js";

export interface RequestBase {
  caller: Caller | null;
  requestId: string;
  log: Logger;
  /**
   * The end client as the router saw it (IP after trusted-proxy handling, user agent); null when unknown,
   * e.g. for calls made by another subgraph.
   */
  client: { ip: string | null; userAgent: string | null };
  /** Calls another subgraph on this request's caller's behalf, signed like the router's requests. */
  callSubgraph: SubgraphCaller;
}

export type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface SubgraphOptions<TContext extends BaseContext> {
  name: string;
  port: number;
  host?: string;
  typeDefs: string;
  resolvers: unknown;
  identitySecret: string;
  /** Replay window for router signatures; defaults to ROUTER_IDENTITY_MAX_AGE_MS or 30 s. */
  identityMaxAgeMs?: number;
  logger: Logger;
  /** Builds the per-request context (loaders are created here, never at module level). */
  createContext(base: RequestBase): TContext;
  /** Dependencies that must answer before the subgraph reports ready. */
  readinessChecks: Record<string, () => Promise<unknown>>;
  /** Timeout of calls to other subgraphs made through `callSubgraph`. */
  internalCallTimeoutMs?: number;
  /** Routes served before /graphql, e.g. the JWKS of the users service. */
  extraRoutes?: ExtraRoute[];
}

export interface RunningService {
  name: string;
  port: number;
  url: string;
  server: Server;
  stop(): Promise<void>;
}

function errorLogger(log: Logger): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          const requestLog = (contextValue as Partial<RequestBase>).log ?? log;
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code === undefined || code === "INTERNAL_SERVER_ERROR") {
              requestLog.error({ err: error.originalError ?? error, path: error.path }, "unexpected error");
            }
          }
        },
      };
    },
  };
}

export function createMetricsRegistry(prefix: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `${prefix}_` });
  new Gauge({
    name: "fedbank_sql_statements_total",
    help: "SQL statements sent to Postgres by this process since it started",
    registers: [registry],
    collect() {
      this.set(sqlStatements.count);
    },
  });
  return registry;
}

export async function startSubgraph<TContext extends BaseContext>(
  options: SubgraphOptions<TContext>,
): Promise<RunningService> {
  const { name, logger } = options;
  const maxAge = identityMaxAgeMs.safeParse(process.env.ROUTER_IDENTITY_MAX_AGE_MS);
  if (!maxAge.success) throw new Error("ROUTER_IDENTITY_MAX_AGE_MS must be an integer between 1000 and 300000");
  const signer = new IdentitySigner(options.identitySecret, { maxAgeMs: options.identityMaxAgeMs ?? maxAge.data });
  const schema = buildSubgraphSchema([
    { typeDefs: parse(options.typeDefs), resolvers: options.resolvers as GraphQLResolverMap<unknown> },
  ]);
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted) => maskError(formatted),
    // Inline traces (ftv1) are Apollo Studio usage reporting; we do not send data to Apollo.
    plugins: [errorLogger(logger) as ApolloServerPlugin<TContext>, ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  const registry = createMetricsRegistry(name);
  const requests = new Counter({
    name: "fedbank_subgraph_requests_total",
    help: "GraphQL requests received, by outcome",
    labelNames: ["outcome"],
    registers: [registry],
  });

  async function ready(): Promise<Record<string, string>> {
    const results: Record<string, string> = {};
    await Promise.all(
      Object.entries(options.readinessChecks).map(async ([dependency, check]) => {
        try {
          await check();
          results[dependency] = "ok";
        } catch {
          results[dependency] = "unavailable";
        }
      }),
    );
    return results;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health") return sendJson(res, 200, { status: "ok", service: name });
    if (url.pathname === "/ready") {
      const checks = await ready();
      const ok = Object.values(checks).every((state) => state === "ok");
      return sendJson(res, ok ? 200 : 503, { status: ok ? "ready" : "not ready", service: name, checks });
    }
    if (url.pathname === "/metrics") {
      res.writeHead(200, { "content-type": registry.contentType });
      return res.end(await registry.metrics());
    }
    for (const route of options.extraRoutes ?? []) {
      if (await route(req, res)) return;
    }
    if (url.pathname !== "/graphql") return sendJson(res, 404, { error: "not found" });

    // The signature covers the exact bytes received, so the body is read (bounded) before parsing.
    const header = headerValue(req, IDENTITY_HEADER);
    if (!header) return refuse(res, "missing router identity", url.pathname);
    const raw = req.method === "POST" ? await readRawBody(req) : Buffer.alloc(0);
    let identity: SignedIdentity;
    try {
      identity = signer.verify(header, { method: req.method ?? "GET", path: req.url ?? "/", body: raw }, name);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      return refuse(res, error.message, url.pathname);
    }
    const { requestId, caller, client } = identity;
    const log = logger.child({ requestId });
    const body = parseGraphQLBodyBytes(req, raw);
    requests.inc({ outcome: "accepted" });
    const callSubgraph = createSubgraphCaller({
      signer,
      caller,
      requestId,
      client,
      timeoutMs: options.internalCallTimeoutMs ?? 10_000,
    });
    await executeGraphQL(apollo, req, res, body, async () => options.createContext({ caller, requestId, log, callSubgraph, client }));
  }

  function refuse(res: ServerResponse, reason: string, path: string) {
    requests.inc({ outcome: "unauthorized" });
    logger.warn({ reason, path }, "rejected request without a valid router identity");
    sendGraphQLError(res, 401, "This service only accepts requests from the router", "UNAUTHENTICATED");
  }

  const server = createHttpServer(handle, logger);
  const port = await listen(server, options.port, options.host ?? "0.0.0.0");
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url }, `${name} subgraph listening`);

  return {
    name,
    port,
    url,
    server,
    async stop() {
      await closeServer(server);
      await apollo.stop();
    },
  };
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface DatabaseSubgraphOptions<TContext extends BaseContext>
  extends Omit<SubgraphOptions<TContext>, "readinessChecks" | "createContext" | "logger" | "identitySecret"> {
  config: { DATABASE_URL: string; DATABASE_POOL_SIZE: number; ROUTER_IDENTITY_SECRET: string; LOG_LEVEL: string };
  /** The process's shared database under `npm start`; a service started alone opens (and closes) its own. */
  database?: Database;
  createContext(base: RequestBase, prisma: PrismaClient): TContext;
}

/** A subgraph backed by Postgres: ready when its database answers; its own pool is closed on stop. */
export async function startDatabaseSubgraph<TContext extends BaseContext>(
  options: DatabaseSubgraphOptions<TContext>,
): Promise<RunningService> {
  const { config, database, createContext, ...rest } = options;
  const db =
    database ?? createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: options.name });
  const service = await startSubgraph<TContext>({
    ...rest,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    logger: createLogger(options.name, config.LOG_LEVEL),
    readinessChecks: { database: () => db.ping() },
    createContext: (base) => createContext(base, db.prisma),
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}
