// One PrismaClient per process, connected through the pg driver adapter (no native engines on our
// machines). Every SQL statement sent is counted, so tests and /metrics can prove there is no N+1.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export { Prisma, PrismaClient } from "./generated/prisma/client.js";

/** Total SQL statements this process has sent to Postgres. */
export const sqlStatements = { count: 0 };

class CountingClient extends pg.Client {
  override query(...args: unknown[]): never {
    sqlStatements.count += 1;
    return (super.query as (...a: unknown[]) => never)(...args);
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
  const pool = new pg.Pool({
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
