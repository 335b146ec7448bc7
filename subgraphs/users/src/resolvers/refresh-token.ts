import type { MutationResolvers } from "../generated/resolvers-types.js";
import { rotateRefreshToken } from "../sessions.js";

export const refreshToken: MutationResolvers["refreshToken"] = (_parent, { token }, context) => rotateRefreshToken(context, token);
