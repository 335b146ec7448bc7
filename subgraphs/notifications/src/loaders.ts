import DataLoader from "dataloader";
import type { Notification } from "../../../kernel/generated/prisma/client.js";
import type { NotificationsDb } from "./db.js";
import { UUID } from "./notifications.js";
import { findNotificationPages, notificationPageCacheKey, type NotificationPage, type NotificationPageKey } from "./pages.js";

export interface NotificationLoaders {
  notificationById: DataLoader<string, Notification | null>;
  notificationPage: DataLoader<NotificationPageKey, NotificationPage, string>;
}

/** Built per request: one SELECT for all notifications, and one for all pages, a request touches. */
export function createNotificationLoaders(db: NotificationsDb): NotificationLoaders {
  return {
    notificationById: new DataLoader(async (ids) => {
      const valid = ids.filter((id) => UUID.test(id));
      const rows = valid.length ? await db.notification.findMany({ where: { id: { in: [...valid] } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),
    notificationPage: new DataLoader((keys) => findNotificationPages(db, keys), {
      cacheKeyFn: notificationPageCacheKey,
    }),
  };
}
