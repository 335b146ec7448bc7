import type { MutationResolvers } from "../generated/resolvers-types.js";
import { captureTransfer as capture } from "../holds.js";

export const captureTransfer: MutationResolvers["captureTransfer"] = (_parent, { input }, context) => capture(context, input);
