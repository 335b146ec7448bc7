import { changeAccountStatus, requireStaff } from "../lifecycle.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

export const freezeAccount: MutationResolvers["freezeAccount"] = async (_parent, { id, reason }, context) => {
  requireStaff(context);
  return changeAccountStatus(context, id, "FROZEN", reason);
};
