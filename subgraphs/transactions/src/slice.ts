import { Prisma } from "#kernel/db.js";
import type { LedgerAccount } from "#kernel/generated/prisma/client.js";
import type { LedgerDb } from "./db.js";
import type { LedgerSliceView, TransactionView } from "./mappers.js";

interface SliceRow {
  posting_id: bigint;
  transaction_id: string;
  kind: TransactionView["kind"];
  reference: string | null;
  created_at: Date;
  amount_minor: bigint;
  balance_after_minor: bigint;
}

/**
 * An account's postings in [from, to) with the balance before `from`, read in one snapshot (a single
 * statement), so opening + entries = closing holds even while money moves.
 * Posting times are taken under the account's lock, so they increase with the posting sequence.
 */
export async function readLedgerSlice(db: LedgerDb, account: LedgerAccount, from: Date, to: Date): Promise<LedgerSliceView> {
  const rows = await db.$queryRaw<SliceRow[]>(Prisma.sql`
    (SELECT p.id AS posting_id, p.transaction_id::text AS transaction_id, t.kind::text AS kind, t.reference,
            p.created_at, p.amount_minor, p.balance_after_minor
       FROM ledger.postings p JOIN ledger.transactions t ON t.id = p.transaction_id
      WHERE p.account_id = ${account.id}::uuid AND p.created_at < ${from}
      ORDER BY p.id DESC LIMIT 1)
    UNION ALL
    (SELECT p.id, p.transaction_id::text, t.kind::text, t.reference, p.created_at, p.amount_minor, p.balance_after_minor
       FROM ledger.postings p JOIN ledger.transactions t ON t.id = p.transaction_id
      WHERE p.account_id = ${account.id}::uuid AND p.created_at >= ${from} AND p.created_at < ${to}
      ORDER BY p.id ASC)`);
  const before = rows[0] && rows[0].created_at < from ? rows[0] : null;
  const inPeriod = before ? rows.slice(1) : rows;
  const openingBalanceMinor = before?.balance_after_minor ?? 0n;
  const last = inPeriod.at(-1);
  return {
    accountId: account.id,
    currency: account.currency,
    openingBalanceMinor,
    closingBalanceMinor: last ? last.balance_after_minor : openingBalanceMinor,
    entries: inPeriod.map((row) => ({
      transactionId: row.transaction_id,
      kind: row.kind,
      reference: row.reference,
      postedAt: row.created_at,
      amountMinor: row.amount_minor,
      balanceAfterMinor: row.balance_after_minor,
    })),
  };
}
