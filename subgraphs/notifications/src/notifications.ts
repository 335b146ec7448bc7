// Creating notifications: called by the seed today and by the domain-event consumers later.
import { isUuid } from "#kernel/batch.js";
import { badUserInput } from "#kernel/errors.js";
import type { Notification } from "#kernel/generated/prisma/client.js";
import type { NotificationsDb } from "./db.js";

export interface NewNotification {
  /** users.User.id of the recipient. */
  userId: string;
  /** Machine-readable kind, e.g. MONEY_RECEIVED. */
  kind: string;
  title: string;
  body: string;
}

const KIND = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_TITLE_LENGTH = 200;
const MAX_BODY_LENGTH = 4000;

/** Stores one unread notification for its recipient and returns it. */
export async function createNotification(
  db: Pick<NotificationsDb, "notification">,
  input: NewNotification,
): Promise<Notification> {
  const title = input.title.trim();
  const body = input.body.trim();
  if (!isUuid(input.userId)) throw badUserInput("userId must be a UUID", { field: "userId" });
  if (!KIND.test(input.kind)) throw badUserInput("kind must be UPPER_SNAKE_CASE, e.g. MONEY_RECEIVED", { field: "kind" });
  if (title === "" || title.length > MAX_TITLE_LENGTH) {
    throw badUserInput(`title must be 1 to ${MAX_TITLE_LENGTH} characters`, { field: "title" });
  }
  if (body === "" || body.length > MAX_BODY_LENGTH) {
    throw badUserInput(`body must be 1 to ${MAX_BODY_LENGTH} characters`, { field: "body" });
  }
  return db.notification.create({ data: { userId: input.userId.toLowerCase(), kind: input.kind, title, body } });
}
