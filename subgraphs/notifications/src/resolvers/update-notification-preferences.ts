import { requireCaller } from "#kernel/authz.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { updatePreferences } from "../preferences.js";

/** Changes the caller's own notification settings. */
export const updateNotificationPreferences: MutationResolvers["updateNotificationPreferences"] = async (_parent, { input }, { caller, db }) =>
  updatePreferences(db, requireCaller(caller).userId, input);
