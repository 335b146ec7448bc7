import { requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import type { UserResolvers } from "../generated/resolvers-types.js";

/** User.unreadNotificationCount: the user's own only, like User.notifications. */
export const unreadNotificationCount: UserResolvers["unreadNotificationCount"] = async (user, _args, { caller, db }) => {
  const { userId } = requireCaller(caller);
  if (userId !== user.id) throw forbidden("You may only read your own notifications");
  return db.notification.count({ where: { userId, readAt: null } });
};
