import type { MutationResolvers } from "../generated/resolvers-types.js";
import { setAccountState } from "../account-state.js";

/** Internal (@inaccessible): called by the accounts service before freeze/unfreeze/close return. */
export const setLedgerAccountState: MutationResolvers["setLedgerAccountState"] = (_parent, { accountId, status }, context) =>
  setAccountState(context, accountId, status);
