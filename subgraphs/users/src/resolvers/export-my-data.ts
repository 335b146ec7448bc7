import { requireCaller } from "#kernel/authz.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { exportUserData } from "../gdpr.js";

export const exportMyData: QueryResolvers["exportMyData"] = (_parent, _args, context) =>
  exportUserData(context, requireCaller(context.caller).userId);
