// Builds a statement from a ledger slice and reconciles it: every running balance and the closing balance
// must follow from the opening balance and the entries, or the statement is refused.
import { GraphQLError } from "graphql";
import type { LedgerSlice } from "./ledger-client.js";
import type { AccountStatementView } from "./mappers.js";

export class ReconciliationError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "RECONCILIATION_FAILED" } });
  }
}

/**
 * How long after a period's end its statement stays provisional: a ledger transaction stamps its postings
 * when it starts and becomes visible when it commits, so a posting dated just before `to` can still appear
 * for a moment after it (money movements are single statements bounded well under this).
 */
export const STATEMENT_SETTLEMENT_MS = 60_000;

export function buildStatement(slice: LedgerSlice, from: Date, to: Date, now = new Date()): AccountStatementView {
  const opening = BigInt(slice.openingBalanceMinor);
  let running = opening;
  let credits = 0n;
  let debits = 0n;
  const entries = slice.entries.map((entry) => {
    const amount = BigInt(entry.amountMinor);
    running += amount;
    if (amount > 0n) credits += amount;
    else debits += amount;
    if (running !== BigInt(entry.balanceAfterMinor)) {
      throw new ReconciliationError(`Running balance does not match the ledger at transaction ${entry.transactionId}`);
    }
    return {
      transactionId: entry.transactionId,
      postedAt: new Date(entry.postedAt),
      currency: slice.currency,
      amountMinor: amount,
      balanceAfterMinor: running,
      reference: entry.reference,
      kind: entry.kind,
    };
  });
  if (running !== BigInt(slice.closingBalanceMinor)) {
    throw new ReconciliationError("Opening balance plus entries does not equal the ledger's closing balance");
  }
  return {
    accountId: slice.accountId,
    from,
    to,
    currency: slice.currency,
    openingBalanceMinor: opening,
    totalCreditsMinor: credits,
    totalDebitsMinor: debits,
    closingBalanceMinor: running,
    entries,
    provisional: now.getTime() < to.getTime() + STATEMENT_SETTLEMENT_MS,
  };
}
