import type { EventConsumer } from "#kernel/events/consumer.js";
import type { RequestBase } from "#kernel/subgraph-server.js";
import type { NotificationsDb } from "./db.js";
import type { NotificationsLive } from "./live.js";
import type { NotificationLoaders } from "./loaders.js";

export interface NotificationsContext extends RequestBase {
  db: NotificationsDb;
  loaders: NotificationLoaders;
  /** The notifications consumers by source stream (admin dead-letter tools). */
  consumers: Readonly<Record<"users" | "accounts" | "ledger", EventConsumer>>;
  /** Live fan-out of committed notifications (Subscription.notificationReceived). */
  live: NotificationsLive;
  /** Encryption key of webhook secrets and the private-address rule (setNotificationWebhook). */
  webhookSettings: { encryptionKey: Buffer; allowPrivate: boolean };
}
