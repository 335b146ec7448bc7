import { createDatabase, type Database } from "../../../kernel/db.js";
import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "../../../kernel/subgraph-server.js";
import type { NotificationsConfig } from "./config.js";
import type { NotificationsContext } from "./context.js";
import { createNotificationLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startNotificationsService(config: NotificationsConfig, database?: Database): Promise<RunningService> {
  const logger = createLogger("notifications", config.LOG_LEVEL);
  const db =
    database ??
    createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "notifications" });

  const service = await startSubgraph<NotificationsContext>({
    name: "notifications",
    port: config.NOTIFICATIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    logger,
    readinessChecks: { database: () => db.ping() },
    createContext: (base) => ({ ...base, db: db.prisma, loaders: createNotificationLoaders(db.prisma) }),
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}
