import { requireCaller } from "#kernel/authz.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

/** Marks every unread notification of the caller read; returns how many changed. */
export const markAllNotificationsRead: MutationResolvers["markAllNotificationsRead"] = async (_parent, _args, { caller, db }) => {
  const { userId } = requireCaller(caller);
  const { count } = await db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
  return count;
};
