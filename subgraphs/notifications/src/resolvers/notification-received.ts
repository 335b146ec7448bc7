// Subscription.notificationReceived: the caller's own notifications, as the live channel publishes them
// (live.ts). The channel is chosen from the verified caller only, so no argument can point it elsewhere.
import { requireCaller } from "#kernel/authz.js";
import type { Notification } from "#kernel/generated/prisma/client.js";
import type { SubscriptionResolvers } from "../generated/resolvers-types.js";

export const notificationReceived: SubscriptionResolvers["notificationReceived"] = {
  subscribe: (_parent, _args, { caller, live }) => live.received(requireCaller(caller).userId),
  resolve: (notification: Notification) => notification,
};
