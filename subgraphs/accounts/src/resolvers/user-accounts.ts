import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import type { UserResolvers } from "../generated/resolvers-types.js";

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  async accounts(user, _args, { caller, loaders }) {
    if (!mayAccessCustomerData(requireCaller(caller), user.id)) {
      throw forbidden("You may only list your own accounts");
    }
    return loaders.accountsByOwner.load(user.id);
  },
};
