import type { Database } from "../../../kernel/db.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "../../../kernel/subgraph-server.js";
import type { NotificationsConfig } from "./config.js";
import type { NotificationsContext } from "./context.js";
import { createNotificationLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startNotificationsService(config: NotificationsConfig, database?: Database): Promise<RunningService> {
  return startDatabaseSubgraph<NotificationsContext>({
    name: "notifications",
    port: config.NOTIFICATIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database,
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createNotificationLoaders(prisma) }),
  });
}
