import { DateTimeScalar } from "../../../../kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { Account } from "./account-ledger.js";
import { LedgerSlice, LedgerSliceEntry, ledgerSlice } from "./ledger-slice.js";
import { Posting, TransactionEdge } from "./posting.js";
import { Transaction, transaction } from "./transaction.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { transaction, ledgerSlice },
  Account,
  Transaction,
  Posting,
  TransactionEdge,
  LedgerSlice,
  LedgerSliceEntry,
};
