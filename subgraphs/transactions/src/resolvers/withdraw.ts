import type { MutationResolvers } from "../generated/resolvers-types.js";
import { moveCash } from "../movements.js";

export const withdraw: MutationResolvers["withdraw"] = (_parent, { input }, context) => moveCash(context, "withdraw", input);
