import { createDatabase, type Database } from "#kernel/db.js";
import { openServiceTransport, startServiceRelay } from "#kernel/events/runtime.js";
import { createLogger } from "#kernel/logger.js";
import { readSchemaFile } from "#kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "#kernel/subgraph-server.js";
import type { ReportingConfig } from "./config.js";
import type { ReportingContext } from "./context.js";
import { createLedgerClient } from "./ledger-client.js";
import { createReportingConsumers } from "./projections.js";
import { resolvers } from "./resolvers/index.js";
import { createScheduledReconciliation } from "./scheduled-reconciliation.js";
import { auditTrail } from "#domain/audit-trail.js";

/**
 * Statements are built from the ledger (through the transactions subgraph); summaries, KPIs and the dashboard
 * read reporting's own projections, which the consumers feed from the ledger, accounts and users events.
 */
export async function startReportingService(config: ReportingConfig, database?: Database): Promise<RunningService> {
  const ownDatabase = database
    ? undefined
    : createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "reporting" });
  const db = database ?? ownDatabase!;
  const logger = createLogger("reporting", config.LOG_LEVEL);
  const ledgerHealth = new URL("/health", config.TRANSACTIONS_URL);
  const { transport, close } = openServiceTransport(config, logger);
  const consumers = createReportingConsumers({ transport, prisma: db.prisma, logger, config });
  const schedule = createScheduledReconciliation({
    intervalMinutes: config.REPORTING_RECONCILE_INTERVAL_MINUTES,
    db: db.prisma,
    ledgerUrl: config.TRANSACTIONS_URL,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    timeoutMs: config.LEDGER_TIMEOUT_MS,
    logger,
  });
  const service = await startSubgraph<ReportingContext>({
    name: "reporting",
    port: config.REPORTING_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    internalCallTimeoutMs: config.LEDGER_TIMEOUT_MS,
    logger,
    registerMetrics: (registry) => registry.registerMetric(schedule.gauge),
    // Its mutations' audit events go to the reporting outbox (domain/audit-trail.ts), published by the relay below.
    instrumentSchema: auditTrail("reporting", db.prisma),
    readinessChecks: {
      database: () => db.ping(),
      ledger: async () => {
        const response = await fetch(ledgerHealth, { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) throw new Error(`ledger answered ${response.status}`);
      },
    },
    createContext: (base) => ({
      ...base,
      db: db.prisma,
      ledger: createLedgerClient(config.TRANSACTIONS_URL, base.callSubgraph),
      sessionWindowMinutes: config.REPORTING_SESSION_WINDOW_MINUTES,
      bankTimeZone: config.BANK_TIME_ZONE,
    }),
  }).catch(async (error: unknown) => {
    await close();
    await ownDatabase?.close();
    throw error;
  });
  for (const consumer of Object.values(consumers)) consumer.start();
  const relay = startServiceRelay(config, "reporting", logger);
  schedule.start();
  return {
    ...service,
    async stop() {
      schedule.stop();
      await relay.stop();
      await Promise.all(Object.values(consumers).map((consumer) => consumer.stop()));
      await close();
      await service.stop();
      await ownDatabase?.close();
    },
  };
}
