import { BANKING_STAFF } from "../../../../kernel/authz.js";
import { money } from "../../../../kernel/money.js";
import type { PostingResolvers, TransactionEdgeResolvers } from "../generated/resolvers-types.js";
import type { PostingView } from "../mappers.js";

const isBankSide = (parent: PostingView) => parent.ownerId === null;

export const Posting: PostingResolvers = {
  account: (parent) => (isBankSide(parent) ? null : { id: parent.accountId }),
  bankSide: (parent) => isBankSide(parent),
  amount: (parent) => money(parent.amountMinor, parent.currency),
  balanceAfter(parent, _args, { caller }) {
    // Another customer's balance, or the bank's settlement position, is not the caller's to see.
    const { ownerId } = parent;
    const visible = ownerId === undefined || (caller !== null && (ownerId === caller.userId || BANKING_STAFF.has(caller.role)));
    return visible ? money(parent.balanceAfterMinor, parent.currency) : null;
  },
};

export const TransactionEdge: TransactionEdgeResolvers = {
  node: (parent) => parent.transaction,
};
