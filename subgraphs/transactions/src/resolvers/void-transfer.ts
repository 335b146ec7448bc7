import type { MutationResolvers } from "../generated/resolvers-types.js";
import { voidTransfer as voidHold } from "../holds.js";

export const voidTransfer: MutationResolvers["voidTransfer"] = (_parent, args, context) => voidHold(context, args);
