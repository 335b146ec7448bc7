import { createDatabase, type Database } from "#kernel/db.js";
import { openServiceTransport, startServiceRelay } from "#kernel/events/runtime.js";
import { createLogger } from "#kernel/logger.js";
import { readSchemaFile } from "#kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "#kernel/subgraph-server.js";
import type { NotificationsConfig } from "./config.js";
import { createChannels } from "./channels/index.js";
import { createDeliveryDispatcher } from "./channels/dispatcher.js";
import { secretEncryptionKey } from "./channels/secrets.js";
import { createNotificationConsumers } from "./consumers.js";
import type { NotificationsContext } from "./context.js";
import { createNotificationsLive } from "./live.js";
import { createNotificationLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";
import { auditTrail } from "#domain/audit-trail.js";

export async function startNotificationsService(config: NotificationsConfig, database?: Database): Promise<RunningService> {
  // Opened here (not by startDatabaseSubgraph) so the consumers share it; closed on stop.
  const ownDatabase = database
    ? undefined
    : createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "notifications" });
  const db = database ?? ownDatabase!;
  const logger = createLogger("notifications", config.LOG_LEVEL);
  const { transport, close } = openServiceTransport(config, logger);
  // Live fan-out (Subscription.notificationReceived): Redis pub/sub with REDIS_URL, in-process otherwise.
  const live = await createNotificationsLive({ redisUrl: config.REDIS_URL, redisKeyPrefix: config.REDIS_KEY_PREFIX, logger });
  const consumers = createNotificationConsumers({ transport, prisma: db.prisma, logger, config, onCommitted: (rows) => live.publish(rows) });
  // External channels (e-mail, webhooks, SMS gateway): a dispatcher sends the durable delivery queue.
  const dispatcher = createDeliveryDispatcher({
    prisma: db.prisma,
    channels: createChannels(config, db.prisma, logger),
    logger,
    pollIntervalMs: config.DELIVERY_POLL_INTERVAL_MS,
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    retryBaseMs: config.DELIVERY_RETRY_BASE_MS,
    retryMaxMs: config.DELIVERY_RETRY_MAX_MS,
    leaseMs: config.DELIVERY_LEASE_MS,
  });
  const webhookSettings = { encryptionKey: secretEncryptionKey(config), allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES };
  const service = await startDatabaseSubgraph<NotificationsContext>({
    name: "notifications",
    instrumentSchema: auditTrail("notifications"),
    port: config.NOTIFICATIONS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database: db,
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createNotificationLoaders(prisma), consumers, live, webhookSettings }),
  }).catch(async (error: unknown) => {
    await live.close();
    await close();
    await ownDatabase?.close();
    throw error;
  });
  // NOTIFICATIONS_WORKERS_ENABLED=false: an API-only replica (consumers and dispatcher run elsewhere).
  if (config.NOTIFICATIONS_WORKERS_ENABLED) {
    for (const consumer of Object.values(consumers)) consumer.start();
    dispatcher.start();
  }
  // The notifications outbox carries the audit events of this service's mutations (domain/audit-trail.ts).
  const relay = startServiceRelay(config, "notifications", logger);
  return {
    ...service,
    async stop() {
      await relay.stop();
      await Promise.all(Object.values(consumers).map((consumer) => consumer.stop()));
      await dispatcher.stop();
      await close();
      await service.stop();
      await live.close();
      await ownDatabase?.close();
    },
  };
}
