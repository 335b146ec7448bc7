// A user's notifications, newest first, one page per (user, page arguments): every page a request asks
// for is read with one SQL statement, however many users the request lists.
import { Prisma } from "#kernel/db.js";
import { badUserInput } from "#kernel/errors.js";
import type { Notification } from "#kernel/generated/prisma/client.js";
import type { NotificationsDb } from "./db.js";
import { isUuid } from "#kernel/batch.js";

/** Position in the list: the (createdAt, id) of the last notification seen. */
export interface NotificationCursor {
  createdAt: Date;
  id: string;
}

export interface NotificationPageKey {
  userId: string;
  first: number;
  after: NotificationCursor | null;
  unreadOnly: boolean;
}

export interface NotificationPage {
  notifications: Notification[];
  hasNextPage: boolean;
}

export const MAX_PAGE_SIZE = 100;

export function encodeNotificationCursor(notification: Pick<Notification, "createdAt" | "id">): string {
  return Buffer.from(`${notification.createdAt.toISOString()}|${notification.id}`, "utf8").toString("base64url");
}

/** Cursors are opaque to clients; anything not produced by encodeNotificationCursor is bad input. */
export function decodeNotificationCursor(cursor: string): NotificationCursor {
  const [iso = "", id = "", ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso);
  if (rest.length > 0 || !isUuid(id) || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) {
    throw badUserInput("`after` is not a cursor of this list", { field: "after" });
  }
  return { createdAt, id: id.toLowerCase() };
}

export function notificationPageCacheKey(key: NotificationPageKey): string {
  return JSON.stringify([key.userId, key.first, key.after?.createdAt.toISOString() ?? null, key.after?.id ?? null, key.unreadOnly]);
}

type PageRow = Notification & { keyIndex: number };

/** Reads every requested page in one statement: the keys are unnested and each one takes a LATERAL page. */
export async function findNotificationPages(
  db: Pick<NotificationsDb, "$queryRaw">,
  keys: readonly NotificationPageKey[],
): Promise<NotificationPage[]> {
  const pages = keys.map((): NotificationPage => ({ notifications: [], hasNextPage: false }));
  // A user id that is not a UUID has no notifications; leaving it out keeps the uuid[] cast valid.
  const queried = keys.map((key, index) => ({ key, index })).filter(({ key }) => isUuid(key.userId));
  if (queried.length === 0) return pages;

  const rows = await db.$queryRaw<PageRow[]>(Prisma.sql`
    SELECT k.key_index::int AS "keyIndex", n.id, n.user_id AS "userId", n.kind, n.title, n.body,
           n.read_at AS "readAt", n.created_at AS "createdAt"
    FROM unnest(
           ${queried.map(({ key }) => key.userId)}::uuid[],
           ${queried.map(({ key }) => key.first + 1)}::int[],
           ${queried.map(({ key }) => key.after?.createdAt.toISOString() ?? null)}::timestamptz[],
           ${queried.map(({ key }) => key.after?.id ?? null)}::uuid[],
           ${queried.map(({ key }) => key.unreadOnly)}::boolean[]
         ) WITH ORDINALITY AS k(user_id, row_limit, after_created_at, after_id, unread_only, key_index)
    CROSS JOIN LATERAL (
      SELECT * FROM notifications.notifications
      WHERE user_id = k.user_id
        AND (NOT k.unread_only OR read_at IS NULL)
        AND (k.after_created_at IS NULL OR (created_at, id) < (k.after_created_at, k.after_id))
      ORDER BY created_at DESC, id DESC
      LIMIT k.row_limit
    ) AS n
    ORDER BY k.key_index, n.created_at DESC, n.id DESC`);

  for (const { keyIndex, ...notification } of rows) {
    const entry = queried[keyIndex - 1];
    if (!entry) continue;
    const page = pages[entry.index]!;
    // One row beyond `first` was read only to learn whether another page follows.
    if (page.notifications.length < entry.key.first) page.notifications.push(notification);
    else page.hasNextPage = true;
  }
  return pages;
}
