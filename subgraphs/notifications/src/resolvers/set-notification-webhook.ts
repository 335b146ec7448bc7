import { requireCaller } from "#kernel/authz.js";
import { setNotificationWebhook as register } from "../channels/webhooks.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

/** Registers the caller's own webhook endpoint and returns its signing secret, once. */
export const setNotificationWebhook: MutationResolvers["setNotificationWebhook"] = async (_parent, { url }, { caller, db, webhookSettings }) =>
  register(db, requireCaller(caller).userId, url, webhookSettings);
