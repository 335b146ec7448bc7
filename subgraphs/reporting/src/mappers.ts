export interface StatementEntryView {
  transactionId: string;
  postedAt: Date;
  currency: string;
  amountMinor: bigint;
  balanceAfterMinor: bigint;
  reference: string | null;
  kind: string;
}

export interface AccountStatementView {
  accountId: string;
  from: Date;
  to: Date;
  currency: string;
  openingBalanceMinor: bigint;
  totalCreditsMinor: bigint;
  totalDebitsMinor: bigint;
  closingBalanceMinor: bigint;
  entries: StatementEntryView[];
  /** The period had not closed when the statement was built: later postings may still fall in it. */
  provisional: boolean;
}
