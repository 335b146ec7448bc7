import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";

export const account: QueryResolvers["account"] = async (_parent, { id }, { caller, loaders }) => {
  const verified = requireCaller(caller);
  const row = await loaders.accountById.load(id);
  if (!row) return null;
  if (!mayAccessCustomerData(verified, row.ownerId)) throw forbidden("You may only read your own accounts");
  return row;
};
