import { BANKING_STAFF } from "#kernel/authz.js";
import { money } from "#domain/money.js";
import type { PostingResolvers, TransactionEdgeResolvers } from "../generated/resolvers-types.js";
import type { PostingView } from "../mappers.js";

const isBankSide = (parent: PostingView) => parent.ownerId === null;

/** The customer account a leg is posted to; null on the bank's own side. Also backs Transaction.from/toAccount. */
export const postingAccount = (parent: PostingView) => (isBankSide(parent) ? null : { id: parent.accountId });

export const Posting: PostingResolvers = {
  account: (parent) => postingAccount(parent),
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
