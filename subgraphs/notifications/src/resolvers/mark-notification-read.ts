import { requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { notFound } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

/** Marks one of the caller's notifications read; someone else's (or an unknown id) is NOT_FOUND. Idempotent. */
export const markNotificationRead: MutationResolvers["markNotificationRead"] = async (_parent, { id }, { caller, db }) => {
  const { userId } = requireCaller(caller);
  if (!isUuid(id)) throw notFound("No such notification");
  // The owner is part of the WHERE clause: another user's notification is never touched.
  await db.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: new Date() } });
  const notification = await db.notification.findFirst({ where: { id, userId } });
  if (!notification) throw notFound("No such notification");
  return notification;
};
