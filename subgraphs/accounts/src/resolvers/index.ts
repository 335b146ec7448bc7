import { DateTimeScalar } from "../../../../kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { account } from "./account.js";
import { Account } from "./account-fields.js";
import { User } from "./user-accounts.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { account },
  Account,
  User,
};
