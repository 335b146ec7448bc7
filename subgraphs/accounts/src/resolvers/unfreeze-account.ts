import { changeAccountStatus, requireStaff } from "../lifecycle.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

export const unfreezeAccount: MutationResolvers["unfreezeAccount"] = async (_parent, { id, reason }, context) => {
  requireStaff(context);
  return changeAccountStatus(context, id, "ACTIVE", reason);
};
