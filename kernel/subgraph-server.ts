// Everything a subgraph process shares with the others: Apollo Server over node:http, the router-signed
// identity check, /health, /ready, /metrics, error masking, graceful shutdown.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { GraphQLError, Kind, getOperationAST, parse, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { createDatabase, sqlStatements, type Database, type PrismaClient } from "./db.js";
import { maskError } from "./errors.js";
import { closeServer, createHttpServer, executeGraphQL, listen, parseGraphQLBodyBytes, readRawBody, sendGraphQLError, sendJson } from "./http.js";
import { createSubgraphCaller, type SubgraphCaller } from "./internal-client.js";
import { IDENTITY_HEADER, IdentityError, IdentitySigner, identityMaxAgeMs, type Caller, type SignedIdentity } from "./identity.js";
import { createLogger, withRequestId, type Logger } from "./logger.js";
import { parseConfig, tracingConfigFields, tracingSettings } from "./config.js";
import { flushTracing, initTracing, withServerSpan, type TracingSettings } from "./tracing.js";
import { processEventRegistry } from "./events/metrics.js";
import { z } from "zod";

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
  /**
   * Wraps the built schema before it is served: the audit trail (domain/audit-trail.ts, `auditTrail`) makes
   * every mutation one audit event. A subgraph with mutations and no instrument logs an error at start.
   */
  instrumentSchema?: SchemaInstrument;
  /** Adds the service's own metrics to its /metrics registry. */
  registerMetrics?: (registry: Registry) => void;
  /** OpenTelemetry settings (kernel/tracing.ts); read from the environment when not given. */
  tracing?: TracingSettings;
}

/** What a schema instrument is told about the service it instruments. */
export interface InstrumentedService {
  name: string;
  logger: Logger;
  /** The service's /metrics registry. */
  metrics: Registry;
  /** The service's database (database subgraphs). */
  prisma?: PrismaClient;
}

export type SchemaInstrument = (schema: GraphQLSchema, service: InstrumentedService) => void;

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
  initTracing(options.tracing ?? tracingSettings(parseConfig(z.object(tracingConfigFields))));
  const schema = buildSubgraphSchema([
    { typeDefs: parse(options.typeDefs), resolvers: options.resolvers as GraphQLResolverMap<unknown> },
  ]);
  const registry = createMetricsRegistry(name);
  options.registerMetrics?.(registry);
  if (options.instrumentSchema) options.instrumentSchema(schema, { name, logger, metrics: registry });
  else if (schema.getMutationType()) logger.error("this subgraph has mutations but no schema instrument: its mutations are not audited");
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted) => maskError(formatted),
    // Inline traces (ftv1) are Apollo Studio usage reporting; we do not send data to Apollo.
    plugins: [errorLogger(logger) as ApolloServerPlugin<TContext>, ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();


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
      // Plus the process's event backbone metrics (outbox and consumer lag; kernel/events/metrics.ts).
      return res.end(`${await registry.metrics()}\n${await processEventRegistry.metrics()}`);
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
    // The request id (and trace id) reach every log line through the logger's mixin (kernel/logger.ts).
    const log = logger;
    const body = parseGraphQLBodyBytes(req, raw);
    requests.inc({ outcome: "accepted" });
    const callSubgraph = createSubgraphCaller({
      signer,
      caller,
      requestId,
      client,
      timeoutMs: options.internalCallTimeoutMs ?? 10_000,
      service: name,
    });
    const operationName = (body as { operationName?: unknown } | undefined)?.operationName;
    await withRequestId(requestId, () =>
      withServerSpan(
        {
          service: name,
          name: `graphql ${typeof operationName === "string" ? operationName : "operation"}`,
          headers: req.headers,
          attributes: typeof operationName === "string" ? { "graphql.operation.name": operationName } : undefined,
        },
        async (span) => {
          await executeGraphQL(apollo, req, res, body, async () => options.createContext({ caller, requestId, log, callSubgraph, client }));
          span?.setAttribute("http.response.status_code", res.statusCode);
        },
      ),
    );
  }

  function refuse(res: ServerResponse, reason: string, path: string) {
    requests.inc({ outcome: "unauthorized" });
    logger.warn({ reason, path }, "rejected request without a valid router identity");
    sendGraphQLError(res, 401, "This service only accepts requests from the router", "UNAUTHENTICATED");
  }

  const server = createHttpServer(handle, logger);
  // Subscriptions (graphql-ws on /graphql), only when the schema has a Subscription type: see serveSubscriptions.
  const live = schema.getSubscriptionType()
    ? serveSubscriptions({ server, schema, name, signer, logger, createContext: options.createContext, internalCallTimeoutMs: options.internalCallTimeoutMs })
    : null;
  const port = await listen(server, options.port, options.host ?? "0.0.0.0");
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url }, `${name} subgraph listening`);

  return {
    name,
    port,
    url,
    server,
    async stop() {
      await live?.stop();
      await closeServer(server);
      await apollo.stop();
      await flushTracing();
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
    instrumentSchema: rest.instrumentSchema && ((schema, service) => rest.instrumentSchema!(schema, { ...service, prisma: db.prisma })),
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}

// ---- Subscriptions (graphql-ws) -------------------------------------------------------------------------
// Generic for every subgraph whose SDL has a `Subscription` type: graphql-ws (`graphql-transport-ws`) is
// served on /graphql of the same port, and only the router may use it.
//  - `connection_init` payload `{ identity }`: a router identity (kernel/identity.ts) signed over
//    SUBSCRIPTION_CONNECT_REQUEST, audience = this subgraph; anything else closes the socket with 4401.
//  - every `subscribe` message carries `payload.extensions.identity`, signed over `subscribeSigningRequest(payload)`
//    (method SUBSCRIBE, the canonical JSON of query, operationName and variables), naming the end user the
//    subscription runs for. So one upstream socket per router replica multiplexes all its clients'
//    subscriptions, each with its own verified caller and its own context, built by the same
//    `createContext(base)` as HTTP requests (loaders per subscription).
//  - only subscription operations are accepted (queries and mutations go over HTTP); resolvers are plain
//    `subscribe` async iterables (e.g. `liveIterator` over kernel/pubsub.ts), errors are masked as over HTTP.

/** What a router signs to open an upstream subscription socket (no body). */
export const SUBSCRIPTION_CONNECT_REQUEST = { method: "CONNECT", path: "/graphql", body: "" } as const;

export interface SubscribePayload {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
  extensions?: Record<string, unknown> | null | undefined;
}

/** The request a `subscribe` message's identity is signed over: the canonical JSON of its operation. */
export function subscribeSigningRequest(payload: SubscribePayload) {
  const body = JSON.stringify({ query: payload.query, operationName: payload.operationName ?? null, variables: payload.variables ?? {} });
  return { method: "SUBSCRIBE", path: "/graphql", body };
}

interface LiveServerOptions<TContext> {
  server: Server;
  schema: ReturnType<typeof buildSubgraphSchema>;
  name: string;
  signer: IdentitySigner;
  logger: Logger;
  createContext(base: RequestBase): TContext;
  internalCallTimeoutMs?: number | undefined;
}

function serveSubscriptions<TContext>(options: LiveServerOptions<TContext>): { stop(): Promise<void> } {
  const { server, schema, name, signer, logger } = options;
  const log = logger.child({ component: "subscriptions" });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== "/graphql") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  const refuse = (socket: WebSocket, reason: string) => {
    log.warn({ reason }, "rejected subscription socket without a valid router identity");
    socket.close(4401, "This service only accepts subscriptions from the router");
  };
  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      onConnect(ctx) {
        try {
          const identity = ctx.connectionParams?.identity;
          signer.verify(typeof identity === "string" ? identity : undefined, SUBSCRIPTION_CONNECT_REQUEST, name);
          return true;
        } catch (error) {
          if (!(error instanceof IdentityError)) throw error;
          refuse(ctx.extra.socket, error.message);
          return false;
        }
      },
      onSubscribe(ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] {
        const header = payload.extensions?.identity;
        let identity: SignedIdentity;
        try {
          identity = signer.verify(typeof header === "string" ? header : undefined, subscribeSigningRequest(payload), name);
        } catch (error) {
          if (!(error instanceof IdentityError)) throw error;
          log.warn({ reason: error.message }, "rejected subscription without a valid router identity");
          return [new GraphQLError("This service only accepts subscriptions from the router", { extensions: { code: "UNAUTHENTICATED" } })];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("Syntax error")];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName ?? undefined);
        if (operation?.operation !== "subscription" || operation.kind !== Kind.OPERATION_DEFINITION) {
          return [new GraphQLError("Only subscriptions are served over WebSocket; send queries and mutations over HTTP", { extensions: { code: "BAD_REQUEST" } })];
        }
        const { caller, requestId, client } = identity;
        const callSubgraph = createSubgraphCaller({ signer, caller, requestId, client, timeoutMs: options.internalCallTimeoutMs ?? 10_000, service: name });
        const contextValue = options.createContext({ caller, requestId, log: logger.child({ requestId }), callSubgraph, client });
        return { schema, document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null, contextValue };
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return;
        for (const error of result.errors) {
          const code = error.extensions?.code;
          if (code === undefined || code === "INTERNAL_SERVER_ERROR") log.error({ err: error.originalError ?? error, path: error.path }, "unexpected error in a subscription event");
        }
        return { ...result, errors: result.errors.map((error) => maskError(error.toJSON())) };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((error) => maskError(error.toJSON()));
      },
    },
    wss,
    15_000,
  );
  return {
    async stop() {
      await disposable.dispose();
    },
  };
}
