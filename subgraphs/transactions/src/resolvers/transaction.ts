import { requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { forbidden } from "#kernel/errors.js";
import { money } from "#domain/money.js";
import { mayReadTransaction } from "../authz.js";
import type { QueryResolvers, TransactionResolvers } from "../generated/resolvers-types.js";
import type { TransactionsContext } from "../context.js";
import type { PostingView } from "../mappers.js";
import { postingAccount } from "./posting.js";

export async function loadVisibleTransaction(id: string, context: TransactionsContext) {
  requireCaller(context.caller);
  const transaction = isUuid(id) ? await context.loaders.transactionById.load(id) : null;
  if (!transaction) return null;
  if (!(await mayReadTransaction(id, context))) throw forbidden("You may only read your own transactions");
  return transaction;
}

export const transaction: QueryResolvers["transaction"] = (_parent, { id }, context) =>
  loadVisibleTransaction(id, context);

/**
 * The customer account on one side of a transaction (debited: amount < 0; credited: amount > 0), taken from
 * the postings loaded per transaction (one batched query) with Posting.account's rule: the bank's side is null.
 */
async function sideAccount(transactionId: string, side: "debit" | "credit", { loaders }: TransactionsContext) {
  const postings: PostingView[] = await loaders.postingsByTransaction.load(transactionId);
  const leg = postings.find((posting) => (side === "debit" ? posting.amountMinor < 0n : posting.amountMinor > 0n));
  return leg ? postingAccount(leg) : null;
}

export const Transaction: TransactionResolvers = {
  __resolveReference: (reference, context) => loadVisibleTransaction(reference.id, context),
  amount: (parent) => money(parent.amountMinor, parent.currency),
  postings: (parent, _args, { loaders }) => loaders.postingsByTransaction.load(parent.id),
  fromAccount: (parent, _args, context) => sideAccount(parent.id, "debit", context),
  toAccount: (parent, _args, context) => sideAccount(parent.id, "credit", context),
  async reverses(parent, _args, context) {
    const reversesId = parent.reversesId ?? (await context.loaders.transactionById.load(parent.id))?.reversesId;
    return reversesId ? loadVisibleTransaction(reversesId, context) : null;
  },
  async reversedBy(parent, _args, context) {
    const reversal = await context.loaders.reversalOf.load(parent.id);
    return reversal ? loadVisibleTransaction(reversal.id, context) : null;
  },
};
