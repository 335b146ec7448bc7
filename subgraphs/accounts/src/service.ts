import type { Database } from "#kernel/db.js";
import { startServiceRelay } from "#kernel/events/runtime.js";
import { createLogger } from "#kernel/logger.js";
import { readSchemaFile } from "#kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "#kernel/subgraph-server.js";
import type { AccountsConfig } from "./config.js";
import type { AccountsContext } from "./context.js";
import { createLedgerClient } from "./ledger-client.js";
import { createAccountLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";
import { auditTrail } from "#domain/audit-trail.js";

export async function startAccountsService(config: AccountsConfig, database?: Database): Promise<RunningService> {
  const service = await startDatabaseSubgraph<AccountsContext>({
    name: "accounts",
    instrumentSchema: auditTrail("accounts"),
    port: config.ACCOUNTS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database,
    createContext: (base, prisma) => ({
      ...base,
      db: prisma,
      loaders: createAccountLoaders(prisma),
      ledger: createLedgerClient(config.TRANSACTIONS_URL, base.callSubgraph),
    }),
  });
  const relay = startServiceRelay(config, "accounts", createLogger("accounts", config.LOG_LEVEL));
  return {
    ...service,
    async stop() {
      await relay.stop();
      await service.stop();
    },
  };
}
