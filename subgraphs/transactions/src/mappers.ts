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
  /** For a REVERSAL: the transaction it reverses (absent when not loaded). */
  reversesId?: string | null;
  createdAt: Date;
}

export interface TransactionResultView {
  transactionId: string;
  /** Already built when the transaction was just posted; loaded by id on a replay. */
  transaction: TransactionView | null;
  replayed: boolean;
}

export interface HoldResultView {
  holdId: string;
  replayed: boolean;
}

export interface LedgerAccountStateView {
  accountId: string;
  status: string;
  statusVersion: number;
}

export interface PostingView {
  accountId: string;
  currency: string;
  amountMinor: bigint;
  balanceAfterMinor: bigint;
  /**
   * Owner of the posting's account when known: null for the bank's settlement account; absent on an
   * account's own history, which only its owner and staff can read.
   */
  ownerId?: string | null;
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
