import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "../../../kernel/subgraph-server.js";
import type { ReportingConfig } from "./config.js";
import type { ReportingContext } from "./context.js";
import { createLedgerClient } from "./ledger-client.js";
import { resolvers } from "./resolvers/index.js";

/** Reporting keeps no tables yet: statements are built from the ledger and reconciled on the fly. */
export async function startReportingService(config: ReportingConfig): Promise<RunningService> {
  const logger = createLogger("reporting", config.LOG_LEVEL);
  const ledgerHealth = new URL("/health", config.TRANSACTIONS_URL);
  return startSubgraph<ReportingContext>({
    name: "reporting",
    port: config.REPORTING_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    internalCallTimeoutMs: config.LEDGER_TIMEOUT_MS,
    logger,
    readinessChecks: {
      ledger: async () => {
        const response = await fetch(ledgerHealth, { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) throw new Error(`ledger answered ${response.status}`);
      },
    },
    createContext: (base) => ({
      ...base,
      ledger: createLedgerClient(config.TRANSACTIONS_URL, base.callSubgraph),
    }),
  });
}
