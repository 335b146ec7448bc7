import type { MutationResolvers } from "../generated/resolvers-types.js";
import { registerCustomerAccount } from "../account-state.js";

/** Internal (@inaccessible): called by the accounts service while it opens an account. */
export const registerLedgerAccount: MutationResolvers["registerLedgerAccount"] = (_parent, { input }, context) =>
  registerCustomerAccount(context, input);
