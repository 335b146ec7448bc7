import { createDatabase, type Database } from "../../../kernel/db.js";
import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "../../../kernel/subgraph-server.js";
import type { AccountsConfig } from "./config.js";
import type { AccountsContext } from "./context.js";
import { createAccountLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startAccountsService(config: AccountsConfig, database?: Database): Promise<RunningService> {
  const logger = createLogger("accounts", config.LOG_LEVEL);
  const db = database ?? createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "accounts" });
  const service = await startSubgraph<AccountsContext>({
    name: "accounts",
    port: config.ACCOUNTS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    logger,
    readinessChecks: { database: () => db.ping() },
    createContext: (base) => ({ ...base, db: db.prisma, loaders: createAccountLoaders(db.prisma) }),
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}
