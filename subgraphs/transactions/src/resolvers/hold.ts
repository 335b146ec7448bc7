import { money } from "#domain/money.js";
import { loadVisibleHold } from "../holds.js";
import type { HoldResolvers, QueryResolvers } from "../generated/resolvers-types.js";
import { loadVisibleTransaction } from "./transaction.js";

export const hold: QueryResolvers["hold"] = (_parent, { id }, context) => loadVisibleHold(context, id);

export const Hold: HoldResolvers = {
  __resolveReference: (reference, context) => loadVisibleHold(context, reference.id),
  account: (parent) => ({ id: parent.accountId }),
  toAccount: (parent) => ({ id: parent.toAccountId }),
  amount: (parent) => money(parent.amountMinor, parent.currency),
  capturedAmount: (parent) => (parent.capturedMinor === null ? null : money(parent.capturedMinor, parent.currency)),
  // Expiry is a matter of time, not of a write: a pending hold past its expiry reads as EXPIRED.
  status: (parent) => (parent.status === "PENDING" && parent.expiresAt.getTime() <= Date.now() ? "EXPIRED" : parent.status),
  async transaction(parent, _args, context) {
    if (parent.status !== "CAPTURED") return null;
    const rows = await context.db.ledgerTransaction.findMany({ where: { holdId: parent.id }, select: { id: true } });
    return rows[0] ? loadVisibleTransaction(rows[0].id, context) : null;
  },
};
