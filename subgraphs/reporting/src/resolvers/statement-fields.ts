import { money } from "#domain/money.js";
import type { AccountStatementResolvers, StatementEntryResolvers } from "../generated/resolvers-types.js";

export const AccountStatement: AccountStatementResolvers = {
  account: (parent) => ({ id: parent.accountId }),
  openingBalance: (parent) => money(parent.openingBalanceMinor, parent.currency),
  totalCredits: (parent) => money(parent.totalCreditsMinor, parent.currency),
  totalDebits: (parent) => money(parent.totalDebitsMinor, parent.currency),
  closingBalance: (parent) => money(parent.closingBalanceMinor, parent.currency),
};

export const StatementEntry: StatementEntryResolvers = {
  transaction: (parent) => ({ id: parent.transactionId }),
  amount: (parent) => money(parent.amountMinor, parent.currency),
  balanceAfter: (parent) => money(parent.balanceAfterMinor, parent.currency),
};
