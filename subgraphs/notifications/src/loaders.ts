import DataLoader from "dataloader";
import { loadByIds } from "#kernel/batch.js";
import type { Notification } from "#kernel/generated/prisma/client.js";
import type { NotificationsDb } from "./db.js";
import { findNotificationPages, notificationPageCacheKey, type NotificationPage, type NotificationPageKey } from "./pages.js";

export interface NotificationLoaders {
  notificationById: DataLoader<string, Notification | null>;
  notificationPage: DataLoader<NotificationPageKey, NotificationPage, string>;
}

/** Built per request: one SELECT for all notifications, and one for all pages, a request touches. */
export function createNotificationLoaders(db: NotificationsDb): NotificationLoaders {
  return {
    notificationById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.notification.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
    notificationPage: new DataLoader((keys) => findNotificationPages(db, keys), {
      cacheKeyFn: notificationPageCacheKey,
    }),
  };
}
