// Live notifications: after the consumer's transaction that created them commits, each new notification is
// published on its recipient's channel (kernel/pubsub.ts: Redis pub/sub across replicas, in-process in
// embedded mode); every notifications replica's `Subscription.notificationReceived` listens on the channel
// of each user subscribed to it, so a client on any router replica (whose upstream socket reaches any
// notifications replica) gets it. Channel per user: a replica receives only its subscribers' traffic.
// The row is already stored when it is published, so a client that reconnects catches up by query.
import type { Notification } from "#kernel/generated/prisma/client.js";
import type { Logger } from "#kernel/logger.js";
import { createPubSub, liveIterator, type PubSub } from "#kernel/pubsub.js";

export interface NotificationsLive {
  /** Publishes committed notifications to their recipients' channels (errors logged, never thrown). */
  publish(rows: readonly Notification[]): Promise<void>;
  /** The notifications of one user as they are published (a subscription resolver's iterator). */
  received(userId: string): AsyncIterableIterator<Notification>;
  close(): Promise<void>;
}

export const notificationChannel = (userId: string) => `live:notifications:user:${userId.toLowerCase()}`;

interface WireNotification extends Omit<Notification, "createdAt" | "readAt"> {
  createdAt: string;
  readAt: string | null;
}

/** JSON turned Dates into strings: the resolvers (DateTime scalar) expect Dates back. */
function revive(message: unknown): Notification | null {
  const wire = message as Partial<WireNotification> | null;
  if (!wire || typeof wire.id !== "string" || typeof wire.createdAt !== "string") return null;
  return { ...(wire as WireNotification), createdAt: new Date(wire.createdAt), readAt: wire.readAt ? new Date(wire.readAt) : null };
}

export async function createNotificationsLive(options: {
  redisUrl?: string | undefined;
  redisKeyPrefix: string;
  logger: Logger;
}): Promise<NotificationsLive> {
  const logger = options.logger.child({ component: "live-notifications" });
  const pubsub: PubSub = await createPubSub({ url: options.redisUrl, prefix: options.redisKeyPrefix, logger });
  return {
    async publish(rows) {
      await Promise.all(
        rows.map((row) =>
          pubsub.publish(notificationChannel(row.userId), row).catch((error: unknown) => {
            // Stored already: the user sees it on the next query; only the live push is lost.
            logger.warn({ err: error instanceof Error ? error.message : String(error), notificationId: row.id }, "live notification not published");
          }),
        ),
      );
    },
    received(userId) {
      return liveIterator(pubsub, notificationChannel(userId), revive, () =>
        logger.warn({ userId }, "live notifications dropped for a subscriber that does not keep up"),
      );
    },
    close: () => pubsub.close(),
  };
}
