import type { MutationResolvers } from "../generated/resolvers-types.js";
import { authorizeTransfer as authorize } from "../holds.js";

export const authorizeTransfer: MutationResolvers["authorizeTransfer"] = (_parent, { input }, context) => authorize(context, input);
