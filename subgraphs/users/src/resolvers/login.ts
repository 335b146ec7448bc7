import type { MutationResolvers } from "../generated/resolvers-types.js";
import { login as signIn } from "../authentication.js";

export const login: MutationResolvers["login"] = (_parent, { email, password, totp }, context) =>
  signIn(context, { email, password, totp });
