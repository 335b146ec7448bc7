import { requireCaller } from "../../../../kernel/authz.js";
import { forbidden } from "../../../../kernel/errors.js";
import { money } from "../../../../kernel/money.js";
import { mayReadTransaction } from "../authz.js";
import type { QueryResolvers, TransactionResolvers } from "../generated/resolvers-types.js";
import type { TransactionsContext } from "../context.js";

async function loadVisibleTransaction(id: string, context: TransactionsContext) {
  requireCaller(context.caller);
  const transaction = await context.loaders.transactionById.load(id);
  if (!transaction) return null;
  if (!(await mayReadTransaction(id, context))) throw forbidden("You may only read your own transactions");
  return transaction;
}

export const transaction: QueryResolvers["transaction"] = (_parent, { id }, context) =>
  loadVisibleTransaction(id, context);

export const Transaction: TransactionResolvers = {
  __resolveReference: (reference, context) => loadVisibleTransaction(reference.id, context),
  amount: (parent) => money(parent.amountMinor, parent.currency),
  postings: (parent, _args, { loaders }) => loaders.postingsByTransaction.load(parent.id),
};
