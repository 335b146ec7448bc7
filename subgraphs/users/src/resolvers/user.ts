import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { STAFF_WHO_READ_USERS } from "./user-fields.js";

export const user: QueryResolvers["user"] = async (_parent, { id }, { caller, loaders }) => {
  const verified = requireCaller(caller);
  if (!mayAccessCustomerData(verified, id, STAFF_WHO_READ_USERS)) throw forbidden("You may only read your own user");
  return loaders.userById.load(id);
};
