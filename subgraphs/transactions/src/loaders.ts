import DataLoader from "dataloader";
import { loadByIds, loadGroupedByIds } from "../../../kernel/batch.js";
import { Prisma } from "../../../kernel/db.js";
import type { LedgerAccount } from "../../../kernel/generated/prisma/client.js";
import { encodePostingCursor } from "./cursors.js";
import type { LedgerDb } from "./db.js";
import type { PostingView, TransactionConnectionView, TransactionView } from "./mappers.js";

export interface HistoryKey {
  accountId: string;
  first: number;
  /** Postings strictly older than this sequence number; null for the newest page. */
  beforePostingId: bigint | null;
}

export interface PostingWithOwner extends PostingView {
  ownerId: string | null;
}

export interface LedgerLoaders {
  ledgerAccountById: DataLoader<string, LedgerAccount | null>;
  transactionById: DataLoader<string, TransactionView | null>;
  postingsByTransaction: DataLoader<string, PostingWithOwner[]>;
  historyPage: DataLoader<HistoryKey, TransactionConnectionView, string>;
}

const NO_CURSOR = 9223372036854775807n;

interface HistoryRow {
  ord: bigint;
  posting_id: bigint;
  account_id: string;
  currency: string;
  amount_minor: bigint;
  balance_after_minor: bigint;
  transaction_id: string;
  kind: TransactionView["kind"];
  transaction_amount_minor: bigint;
  reference: string | null;
  created_at: Date;
}

/**
 * One statement for the history pages of every account in the request: each key becomes a row of an
 * unnest() and a LATERAL index scan on (account_id, id) fetches first+1 postings for it.
 */
async function loadHistoryPages(db: LedgerDb, keys: readonly HistoryKey[]): Promise<TransactionConnectionView[]> {
  const accountIds = keys.map((key) => key.accountId);
  const before = keys.map((key) => String(key.beforePostingId ?? NO_CURSOR));
  const limits = keys.map((key) => key.first + 1);
  const rows = await db.$queryRaw<HistoryRow[]>(Prisma.sql`
    SELECT k.ord, p.id AS posting_id, p.account_id::text AS account_id, p.currency, p.amount_minor,
           p.balance_after_minor, t.id::text AS transaction_id, t.kind::text AS kind,
           t.amount_minor AS transaction_amount_minor, t.reference, t.created_at
      FROM unnest(${accountIds}::uuid[], ${before}::bigint[], ${limits}::int[])
           WITH ORDINALITY AS k(account_id, before_id, lim, ord)
      CROSS JOIN LATERAL (
        SELECT * FROM ledger.postings p
         WHERE p.account_id = k.account_id AND p.id < k.before_id
         ORDER BY p.id DESC
         LIMIT k.lim
      ) p
      JOIN ledger.transactions t ON t.id = p.transaction_id
     ORDER BY k.ord, p.id DESC`);
  const byKey = new Map<number, HistoryRow[]>();
  for (const row of rows) {
    const index = Number(row.ord) - 1;
    const group = byKey.get(index);
    if (group) group.push(row);
    else byKey.set(index, [row]);
  }
  return keys.map((key, index) => {
    const found = byKey.get(index) ?? [];
    const page = found.slice(0, key.first);
    const edges = page.map((row) => ({
      cursor: encodePostingCursor(row.posting_id),
      transaction: {
        id: row.transaction_id,
        kind: row.kind,
        currency: row.currency,
        amountMinor: row.transaction_amount_minor,
        reference: row.reference,
        createdAt: row.created_at,
      },
      posting: {
        accountId: row.account_id,
        currency: row.currency,
        amountMinor: row.amount_minor,
        balanceAfterMinor: row.balance_after_minor,
      },
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: found.length > key.first,
        hasPreviousPage: key.beforePostingId !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  });
}

/** Built per request, so nothing leaks between callers and every list-to-entity hop is batched. */
export function createLedgerLoaders(db: LedgerDb): LedgerLoaders {
  return {
    ledgerAccountById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.ledgerAccount.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
    transactionById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.ledgerTransaction.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
    postingsByTransaction: new DataLoader(async (ids) => {
      const groups = await loadGroupedByIds(
        ids,
        (valid) =>
          db.posting.findMany({
            where: { transactionId: { in: valid } },
            include: { account: { select: { ownerId: true } } },
            orderBy: { id: "asc" },
          }),
        (row) => row.transactionId,
      );
      return groups.map((rows) =>
        rows.map((row) => ({
          accountId: row.accountId,
          currency: row.currency,
          amountMinor: row.amountMinor,
          balanceAfterMinor: row.balanceAfterMinor,
          ownerId: row.account.ownerId,
        })),
      );
    }),
    historyPage: new DataLoader((keys) => loadHistoryPages(db, keys), {
      cacheKeyFn: (key) => `${key.accountId}|${key.first}|${key.beforePostingId ?? ""}`,
    }),
  };
}
