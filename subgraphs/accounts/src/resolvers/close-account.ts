import { changeAccountStatus } from "../lifecycle.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

/** Owner or staff; the ledger refuses unless the balance is zero and no hold is pending. */
export const closeAccount: MutationResolvers["closeAccount"] = (_parent, { id, reason }, context) =>
  changeAccountStatus(context, id, "CLOSED", reason);
