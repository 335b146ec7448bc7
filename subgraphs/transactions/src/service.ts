import { createDatabase, type Database } from "#kernel/db.js";
import { startServiceRelay } from "#kernel/events/runtime.js";
import { createLogger } from "#kernel/logger.js";
import { readSchemaFile } from "#kernel/service-runtime.js";
import { createSharedStore } from "#kernel/shared-store.js";
import { type RunningService, startDatabaseSubgraph } from "#kernel/subgraph-server.js";
import type { TransactionsConfig } from "./config.js";
import type { TransactionsContext } from "./context.js";
import type { LedgerDb } from "./db.js";
import { startHoldExpiryJob } from "./hold-expiry.js";
import { purgeIdempotencyKeys } from "./idempotency.js";
import { createLedgerLoaders } from "./loaders.js";
import { NumberLookupLimiter } from "./number-lookups.js";
import { resolvers } from "./resolvers/index.js";
import { registerLedgerMetrics, withLedgerMetrics } from "./metrics.js";
import { auditTrail } from "#domain/audit-trail.js";

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

export async function startTransactionsService(config: TransactionsConfig, database?: Database): Promise<RunningService> {
  let ledgerDb: LedgerDb | null = null;
  // Opened here (not by startDatabaseSubgraph) so the hold-expiry job has it from the start; closed on stop.
  const ownDatabase = database
    ? undefined
    : createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "transactions" });
  const db = database ?? ownDatabase!;
  const store = await createSharedStore({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger: createLogger("transactions-store", config.LOG_LEVEL) });
  const numberLookups = new NumberLookupLimiter(
    store,
    { max: config.ACCOUNT_NUMBER_LOOKUPS_MAX, windowSeconds: config.ACCOUNT_NUMBER_LOOKUPS_WINDOW_SECONDS },
    createLogger("transactions", config.LOG_LEVEL),
  );
  const service = await startDatabaseSubgraph<TransactionsContext>({
    name: "transactions",
    instrumentSchema: auditTrail("ledger"),
    port: config.TRANSACTIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers: withLedgerMetrics(resolvers),
    registerMetrics: registerLedgerMetrics,
    config,
    database: db,
    createContext: (base, prisma) => {
      ledgerDb ??= prisma;
      return { ...base, db: prisma, pool: db.pool, loaders: createLedgerLoaders(prisma, db.pool), numberLookups, holdTtlSeconds: config.HOLD_TTL_SECONDS };
    },
  });
  // Idempotency keys older than the retention period are purged hourly (any replica may do it: the
  // DELETE is idempotent). The database handle is the one the first request used.
  const log = createLogger("transactions", config.LOG_LEVEL);
  const purge = setInterval(() => {
    if (!ledgerDb) return;
    purgeIdempotencyKeys(ledgerDb, config.IDEMPOTENCY_RETENTION_HOURS)
      .then((purged) => purged > 0 && log.info({ purged }, "purged expired idempotency keys"))
      .catch((error: unknown) => log.warn({ err: error }, "could not purge idempotency keys"));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  const relay = startServiceRelay(config, "ledger", log);
  const holdExpiry = startHoldExpiryJob({
    db: db.prisma,
    intervalMs: config.HOLD_EXPIRY_INTERVAL_MS,
    warningSeconds: config.HOLD_EXPIRY_WARNING_SECONDS,
    logger: log,
  });
  return {
    ...service,
    async stop() {
      clearInterval(purge);
      await holdExpiry.stop();
      await relay.stop();
      await service.stop();
      await store.close();
      await ownDatabase?.close();
    },
  };
}
