import { requireCaller } from "#kernel/authz.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { loadPreferences } from "../preferences.js";

/** The caller's own notification settings, defaults included. */
export const notificationPreferences: QueryResolvers["notificationPreferences"] = async (_parent, _args, { caller, db }) =>
  loadPreferences(db, requireCaller(caller).userId);
