import { money } from "../../../../kernel/money.js";
import type { PostingResolvers, TransactionEdgeResolvers } from "../generated/resolvers-types.js";

export const Posting: PostingResolvers = {
  account: (parent) => ({ id: parent.accountId }),
  amount: (parent) => money(parent.amountMinor, parent.currency),
  balanceAfter: (parent) => money(parent.balanceAfterMinor, parent.currency),
};

export const TransactionEdge: TransactionEdgeResolvers = {
  node: (parent) => parent.transaction,
};
