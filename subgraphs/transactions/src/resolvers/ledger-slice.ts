import { badUserInput } from "#kernel/errors.js";
import { loadAccountForCaller } from "../authz.js";
import type { LedgerSliceEntryResolvers, LedgerSliceResolvers, QueryResolvers } from "../generated/resolvers-types.js";
import { readLedgerSlice } from "../slice.js";

export const ledgerSlice: QueryResolvers["ledgerSlice"] = async (_parent, { accountId, from, to }, context) => {
  const fromDate = new Date(from);
  const toDate = new Date(to);
  if (!(fromDate < toDate)) throw badUserInput("`from` must be before `to`");
  const account = await loadAccountForCaller(accountId, context);
  return readLedgerSlice(context.db, account, fromDate, toDate);
};

export const LedgerSlice: LedgerSliceResolvers = {
  openingBalanceMinor: (parent) => parent.openingBalanceMinor.toString(),
  closingBalanceMinor: (parent) => parent.closingBalanceMinor.toString(),
};

export const LedgerSliceEntry: LedgerSliceEntryResolvers = {
  amountMinor: (parent) => parent.amountMinor.toString(),
  balanceAfterMinor: (parent) => parent.balanceAfterMinor.toString(),
};
