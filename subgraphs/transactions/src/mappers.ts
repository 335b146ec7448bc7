// Parent types of this subgraph's GraphQL objects: plain views built from ledger rows.

export interface AccountRef {
  id: string;
}

export interface TransactionView {
  id: string;
  kind: "DEPOSIT" | "WITHDRAWAL" | "TRANSFER" | "REVERSAL";
  currency: string;
  amountMinor: bigint;
  reference: string | null;
  createdAt: Date;
}

export interface PostingView {
  accountId: string;
  currency: string;
  amountMinor: bigint;
  balanceAfterMinor: bigint;
}

export interface TransactionEdgeView {
  cursor: string;
  transaction: TransactionView;
  posting: PostingView;
}

export interface PageInfoView {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface TransactionConnectionView {
  edges: TransactionEdgeView[];
  pageInfo: PageInfoView;
}

export interface LedgerSliceEntryView {
  transactionId: string;
  kind: TransactionView["kind"];
  reference: string | null;
  postedAt: Date;
  amountMinor: bigint;
  balanceAfterMinor: bigint;
}

export interface LedgerSliceView {
  accountId: string;
  currency: string;
  openingBalanceMinor: bigint;
  closingBalanceMinor: bigint;
  entries: LedgerSliceEntryView[];
}
