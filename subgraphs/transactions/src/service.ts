import { createDatabase, type Database } from "../../../kernel/db.js";
import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "../../../kernel/subgraph-server.js";
import type { TransactionsConfig } from "./config.js";
import type { TransactionsContext } from "./context.js";
import { createLedgerLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startTransactionsService(config: TransactionsConfig, database?: Database): Promise<RunningService> {
  const logger = createLogger("transactions", config.LOG_LEVEL);
  const db = database ?? createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "transactions" });
  const service = await startSubgraph<TransactionsContext>({
    name: "transactions",
    port: config.TRANSACTIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    logger,
    readinessChecks: { database: () => db.ping() },
    createContext: (base) => ({ ...base, db: db.prisma, loaders: createLedgerLoaders(db.prisma) }),
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}
