import { DateTimeScalar } from "../../../../kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { login } from "./login.js";
import { me } from "./me.js";
import { user } from "./user.js";
import { User } from "./user-fields.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { me, user },
  Mutation: { login },
  User,
};
