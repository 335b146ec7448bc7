// One PrismaClient per process, connected through the pg driver adapter (no native engines on our
// machines). Every SQL statement sent is counted, so tests and /metrics can prove there is no N+1.
// With tracing on (kernel/tracing.ts), each statement is also a span under the request's span: started
// where the statement is issued (pool.query or, inside a transaction, the connection's query), never with
// its parameters.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";
import { endSqlSpan, startSqlSpan, tracingEnabled, type Span } from "./tracing.js";

export { Prisma, PrismaClient } from "./generated/prisma/client.js";

/** Total SQL statements this process has sent to Postgres. */
export const sqlStatements = { count: 0 };

/** Marks a statement whose span the pool already started (pool.query hands it to a client later). */
const SPANNED = Symbol("fedbank.sqlSpanned");

function statementText(statement: unknown): string | undefined {
  if (typeof statement === "string") return statement;
  const text = (statement as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : undefined;
}

/** Calls `query` with the span ended when the statement completes, whichever calling style is used. */
function tracedQuery(span: Span, query: (...a: unknown[]) => unknown, args: unknown[]): never {
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback === "function") {
    args[last] = (error: unknown, result: unknown) => {
      endSqlSpan(span, error ?? undefined);
      (callback as (e: unknown, r: unknown) => void)(error, result);
    };
    return query(...args) as never;
  }
  let result: unknown;
  try {
    result = query(...args);
  } catch (error) {
    endSqlSpan(span, error);
    throw error;
  }
  if (result && typeof (result as Promise<unknown>).then === "function") {
    (result as Promise<unknown>).then(
      () => endSqlSpan(span),
      (error: unknown) => endSqlSpan(span, error),
    );
  } else {
    endSqlSpan(span);
  }
  return result as never;
}

class CountingClient extends pg.Client {
  override query(...args: unknown[]): never {
    sqlStatements.count += 1;
    if (!tracingEnabled()) return (super.query as (...a: unknown[]) => never).apply(this, args);
    const query = super.query.bind(this) as (...a: unknown[]) => never;
    const statement = args[0] as { [SPANNED]?: boolean } | string;
    if (typeof statement === "object" && statement?.[SPANNED]) return query(...args);
    const span = startSqlSpan(statementText(statement));
    return span ? tracedQuery(span, query, args) : query(...args);
  }
}

/** Starts the span when the statement is issued: a pooled client may be handed over in another context. */
class TracingPool extends pg.Pool {
  override query(...args: unknown[]): never {
    if (!tracingEnabled()) return (super.query as (...a: unknown[]) => never).apply(this, args);
    const query = super.query.bind(this) as (...a: unknown[]) => never;
    const span = startSqlSpan(statementText(args[0]));
    if (!span) return query(...args);
    const statement = typeof args[0] === "string" ? { text: args[0] } : args[0];
    if (statement && typeof statement === "object") (statement as { [SPANNED]?: boolean })[SPANNED] = true;
    return tracedQuery(span, query, [statement, ...args.slice(1)]);
  }
}

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Cheap liveness probe for /ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new TracingPool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? "fedbank",
    Client: CountingClient,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
