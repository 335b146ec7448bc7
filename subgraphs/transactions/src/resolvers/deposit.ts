import type { MutationResolvers } from "../generated/resolvers-types.js";
import { moveCash } from "../movements.js";

export const deposit: MutationResolvers["deposit"] = (_parent, { input }, context) => moveCash(context, "deposit", input);
