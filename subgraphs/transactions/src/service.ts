import type { Database } from "../../../kernel/db.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "../../../kernel/subgraph-server.js";
import type { TransactionsConfig } from "./config.js";
import type { TransactionsContext } from "./context.js";
import { createLedgerLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startTransactionsService(config: TransactionsConfig, database?: Database): Promise<RunningService> {
  return startDatabaseSubgraph<TransactionsContext>({
    name: "transactions",
    port: config.TRANSACTIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database,
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createLedgerLoaders(prisma) }),
  });
}
