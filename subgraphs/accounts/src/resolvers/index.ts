import { DateTimeScalar } from "#kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { account } from "./account.js";
import { accountByNumber } from "./account-by-number.js";
import { Account } from "./account-fields.js";
import { closeAccount } from "./close-account.js";
import { freezeAccount } from "./freeze-account.js";
import { openAccount } from "./open-account.js";
import { unfreezeAccount } from "./unfreeze-account.js";
import { User } from "./user-accounts.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { account, accountByNumber },
  Mutation: { openAccount, freezeAccount, unfreezeAccount, closeAccount },
  Account,
  User,
};
