import { requireCaller } from "#kernel/authz.js";
import { removeNotificationWebhook as remove } from "../channels/webhooks.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

/** Removes the caller's own webhook endpoint. */
export const removeNotificationWebhook: MutationResolvers["removeNotificationWebhook"] = async (_parent, _args, { caller, db }) =>
  remove(db, requireCaller(caller).userId);
