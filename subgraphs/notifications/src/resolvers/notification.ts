import { requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import type { NotificationResolvers } from "../generated/resolvers-types.js";

export const Notification: NotificationResolvers = {
  async __resolveReference(reference, { caller, loaders }) {
    const { userId } = requireCaller(caller);
    const notification = await loaders.notificationById.load(reference.id);
    if (notification && notification.userId !== userId) throw forbidden("You may only read your own notifications");
    return notification;
  },
  read: (notification) => notification.readAt !== null,
  // An entity reference: the router asks the transactions subgraph (which checks the caller may see it).
  transaction: (notification) => (notification.transactionId ? { __typename: "Transaction" as const, id: notification.transactionId } : null),
};
