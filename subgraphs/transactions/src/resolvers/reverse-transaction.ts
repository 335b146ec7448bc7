import type { MutationResolvers } from "../generated/resolvers-types.js";
import { reverseTransaction as reverse } from "../movements.js";

export const reverseTransaction: MutationResolvers["reverseTransaction"] = (_parent, args, context) => reverse(context, args);
