// One PrismaClient per process, connected through the pg driver adapter (no native engines on our
// machines). Every SQL statement sent is counted, so tests and /metrics can prove there is no N+1.
// With tracing on (kernel/tracing.ts), each statement is also a span under the request's span: started
// where the statement is issued (pool.query or, inside a transaction, the connection's query), never with
// its parameters.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "./generated/prisma/client.js";
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

/**
 * One open transaction on the raw pg pool. `query` is the pg driver's (rows as pg returns them: int8 and
 * numeric as strings). `$executeRaw` takes Prisma's tagged template (or a `Prisma.sql` fragment), so code
 * written against a Prisma transaction's `$executeRaw` (outbox writers, handlers) runs here unchanged.
 */
export interface SqlTransaction {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<pg.QueryResult<Row>>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

/** The statement text ($1, $2 ...) and values of a tagged template or a `Prisma.sql` fragment. */
function sqlOf(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): { text: string; values: unknown[] } {
  const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
  return { text: sql.text, values: sql.values };
}

export interface SqlTransactionOptions {
  /**
   * Bound on the transaction: each statement gets it as `statement_timeout`, and a transaction whose work
   * outlasted it is rolled back instead of committed (as Prisma's interactive-transaction timeout).
   */
  timeoutMs?: number;
}

/**
 * Runs `work` in one transaction on a client of `pool`: BEGIN, the work's statements, COMMIT (ROLLBACK when
 * it throws). Costs a fraction of a Prisma interactive transaction's CPU (bench:ledger profile): the event
 * consumers' batches run here.
 */
export async function withSqlTransaction<T>(pool: pg.Pool, work: (tx: SqlTransaction) => Promise<T>, options: SqlTransactionOptions = {}): Promise<T> {
  const client = await pool.connect();
  let reusable = true;
  const tx: SqlTransaction = {
    query: (text, values) => client.query(text, values as unknown[] | undefined),
    async $executeRaw(query, ...values) {
      const { text, values: params } = sqlOf(query, values);
      return (await client.query(text, params)).rowCount ?? 0;
    },
  };
  try {
    const timeoutMs = options.timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(options.timeoutMs));
    // One round trip: a simple query may carry both statements.
    await client.query(timeoutMs === undefined ? "BEGIN" : `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}`);
    const started = performance.now();
    const result = await work(tx);
    if (timeoutMs !== undefined && performance.now() - started > timeoutMs) {
      throw new Error(`transaction rolled back: its work outlasted the ${timeoutMs} ms timeout`);
    }
    // COMMIT of a transaction a failed statement aborted answers ROLLBACK without an error.
    const commit = await client.query("COMMIT");
    if (commit.command === "ROLLBACK") throw new Error("transaction rolled back: a statement in it had failed");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      reusable = false; // the connection is in an unknown state: the pool closes it
    });
    throw error;
  } finally {
    client.release(!reusable);
  }
}

/** The pool each PrismaClient of createDatabase runs on (for code given only the client). */
const poolsOfClients = new WeakMap<object, pg.Pool>();

/** The raw pg pool a PrismaClient made by createDatabase runs on; undefined for any other object. */
export function rawPoolOf(prisma: object): pg.Pool | undefined {
  return poolsOfClients.get(prisma);
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
  poolsOfClients.set(prisma, pool);
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
