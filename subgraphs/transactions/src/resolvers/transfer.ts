import type { MutationResolvers } from "../generated/resolvers-types.js";
import { transferFunds } from "../movements.js";

export const transfer: MutationResolvers["transfer"] = (_parent, { input }, context) => transferFunds(context, input);
