import { DateTimeScalar } from "#kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { Account } from "./account-ledger.js";
import { authorizeTransfer } from "./authorize-transfer.js";
import { captureTransfer } from "./capture-transfer.js";
import { deposit } from "./deposit.js";
import { Hold, hold } from "./hold.js";
import { ledgerCounterparties } from "./ledger-counterparties.js";
import { LedgerSlice, LedgerSliceEntry, ledgerSlice } from "./ledger-slice.js";
import { ledgerTotals } from "./ledger-totals.js";
import { Posting, TransactionEdge } from "./posting.js";
import { registerLedgerAccount } from "./register-ledger-account.js";
import { HoldResult, TransactionResult } from "./results.js";
import { reverseTransaction } from "./reverse-transaction.js";
import { setLedgerAccountState } from "./set-ledger-account-state.js";
import { Transaction, transaction } from "./transaction.js";
import { transfer } from "./transfer.js";
import { voidTransfer } from "./void-transfer.js";
import { withdraw } from "./withdraw.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { transaction, hold, ledgerSlice, ledgerTotals, ledgerCounterparties },
  Mutation: {
    deposit,
    withdraw,
    transfer,
    reverseTransaction,
    authorizeTransfer,
    captureTransfer,
    voidTransfer,
    registerLedgerAccount,
    setLedgerAccountState,
  },
  Account,
  Transaction,
  Hold,
  Posting,
  TransactionEdge,
  TransactionResult,
  HoldResult,
  LedgerSlice,
  LedgerSliceEntry,
};
