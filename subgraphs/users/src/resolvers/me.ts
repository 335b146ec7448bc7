import { requireCaller } from "#kernel/authz.js";
import { unauthenticated } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";

export const me: QueryResolvers["me"] = async (_parent, _args, { caller, loaders }) => {
  const { userId } = requireCaller(caller);
  const user = await loaders.userById.load(userId);
  // A token for a user that no longer exists is as good as no token.
  if (!user) throw unauthenticated("The signed-in user no longer exists");
  return user;
};
