import { createDatabase, type Database } from "../../../kernel/db.js";
import { openServiceTransport } from "../../../kernel/events/runtime.js";
import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "../../../kernel/subgraph-server.js";
import type { NotificationsConfig } from "./config.js";
import { createNotificationConsumers } from "./consumers.js";
import type { NotificationsContext } from "./context.js";
import { createNotificationLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startNotificationsService(config: NotificationsConfig, database?: Database): Promise<RunningService> {
  // Opened here (not by startDatabaseSubgraph) so the consumers share it; closed on stop.
  const ownDatabase = database
    ? undefined
    : createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "notifications" });
  const db = database ?? ownDatabase!;
  const logger = createLogger("notifications", config.LOG_LEVEL);
  const { transport, close } = openServiceTransport(config, logger);
  const consumers = createNotificationConsumers({ transport, prisma: db.prisma, logger, config });
  const service = await startDatabaseSubgraph<NotificationsContext>({
    name: "notifications",
    port: config.NOTIFICATIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database: db,
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createNotificationLoaders(prisma), consumers }),
  }).catch(async (error: unknown) => {
    await close();
    await ownDatabase?.close();
    throw error;
  });
  for (const consumer of Object.values(consumers)) consumer.start();
  return {
    ...service,
    async stop() {
      await Promise.all(Object.values(consumers).map((consumer) => consumer.stop()));
      await close();
      await service.stop();
      await ownDatabase?.close();
    },
  };
}
