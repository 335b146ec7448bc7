import DataLoader from "dataloader";
import type pg from "pg";
import { loadByIds, loadGroupedByIds } from "#kernel/batch.js";
import { Prisma, rawPoolOf } from "#kernel/db.js";
import type { Hold, LedgerAccount, LedgerTransaction } from "#kernel/generated/prisma/client.js";
import { encodePostingCursor, type PageRequest } from "./cursors.js";
import type { LedgerDb } from "./db.js";
import type { LedgerPool } from "./ledger-sql.js";
import type { PostingView, TransactionConnectionView, TransactionView } from "./mappers.js";

export interface HistoryFilter {
  from: Date | null;
  to: Date | null;
  kinds: TransactionView["kind"][] | null;
  /** Minimum transaction amount in the account's minor units; null for none. */
  minMinor: bigint | null;
}

export interface HistoryKey {
  accountId: string;
  page: PageRequest;
  filter: HistoryFilter;
}

export interface PostingWithOwner extends PostingView {
  ownerId: string | null;
}

export interface LedgerLoaders {
  ledgerAccountById: DataLoader<string, LedgerAccount | null>;
  ledgerAccountByNumber: DataLoader<string, LedgerAccount | null>;
  transactionById: DataLoader<string, LedgerTransaction | null>;
  reversalOf: DataLoader<string, LedgerTransaction | null>;
  postingsByTransaction: DataLoader<string, PostingWithOwner[]>;
  holdById: DataLoader<string, Hold | null>;
  /** Pending, unexpired holds per account. */
  activeHoldsByAccount: DataLoader<string, Hold[]>;
  historyPage: DataLoader<HistoryKey, TransactionConnectionView, string>;
}

const MAX_ID = "9223372036854775807";

/** A history row as the pg driver returns it (int8 as text). */
interface HistoryRow {
  ord: string;
  posting_id: string;
  account_id: string;
  currency: string;
  amount_minor: string;
  balance_after_minor: string;
  transaction_id: string;
  kind: TransactionView["kind"];
  transaction_amount_minor: string;
  reference: string | null;
  reverses_id: string | null;
  created_at: Date;
}

/**
 * The rows of a `Prisma.sql` statement, run on the raw pg pool: the reads behind every money movement and
 * every balance cost a fraction of Prisma's `$queryRaw` CPU there (bench:ledger profile). int8 and numeric
 * columns arrive as strings.
 */
async function rawRows<Row extends pg.QueryResultRow>(pool: LedgerPool, sql: Prisma.Sql): Promise<Row[]> {
  return (await pool.query<Row>(sql.text, sql.values)).rows;
}

function groupSignature(key: HistoryKey): string {
  const { filter } = key;
  return [key.page.direction, filter.from?.toISOString() ?? "", filter.to?.toISOString() ?? "", filter.kinds?.join(",") ?? ""].join("|");
}

/**
 * One statement for the history pages of every account in the request that share direction and filter
 * (the dashboard: one): each key becomes a row of an unnest() and a LATERAL index scan on
 * (account_id, id) fetches size+1 postings for it.
 */
async function loadHistoryGroup(pool: LedgerPool, keys: HistoryKey[]): Promise<TransactionConnectionView[]> {
  const [sample] = keys;
  const newer = sample!.page.direction === "newer";
  const { from, to, kinds } = sample!.filter;
  const accountIds = keys.map((key) => key.accountId);
  const cursors = keys.map((key) => (key.page.cursor === null ? (newer ? "0" : MAX_ID) : String(key.page.cursor)));
  const limits = keys.map((key) => key.page.size + 1);
  const minimums = keys.map((key) => String(key.filter.minMinor ?? 1n));
  const conditions = [
    newer ? Prisma.sql`p.id > k.cursor_id` : Prisma.sql`p.id < k.cursor_id`,
    Prisma.sql`t.amount_minor >= k.min_minor`,
    ...(from ? [Prisma.sql`p.created_at >= ${from}`] : []),
    ...(to ? [Prisma.sql`p.created_at < ${to}`] : []),
    ...(kinds ? [Prisma.sql`t.kind::text = ANY(${kinds}::text[])`] : []),
  ];
  const order = newer ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const rows = await rawRows<HistoryRow>(pool, Prisma.sql`
    SELECT k.ord, h.posting_id, h.account_id::text AS account_id, h.currency, h.amount_minor, h.balance_after_minor,
           h.transaction_id::text AS transaction_id, h.kind::text AS kind, h.transaction_amount_minor, h.reference,
           h.reverses_id::text AS reverses_id, h.created_at
      FROM unnest(${accountIds}::uuid[], ${cursors}::bigint[], ${limits}::int[], ${minimums}::bigint[])
           WITH ORDINALITY AS k(account_id, cursor_id, lim, min_minor, ord)
      CROSS JOIN LATERAL (
        SELECT p.id AS posting_id, p.account_id, p.currency, p.amount_minor, p.balance_after_minor, t.id AS transaction_id,
               t.kind, t.amount_minor AS transaction_amount_minor, t.reference, t.reverses_id, t.created_at
          FROM ledger.postings p JOIN ledger.transactions t ON t.id = p.transaction_id
         WHERE p.account_id = k.account_id AND ${Prisma.join(conditions, " AND ")}
         ORDER BY p.id ${order}
         LIMIT k.lim
      ) h
     ORDER BY k.ord, h.posting_id ${order}`);
  const byKey = new Map<number, HistoryRow[]>();
  for (const row of rows) {
    const index = Number(row.ord) - 1;
    const group = byKey.get(index);
    if (group) group.push(row);
    else byKey.set(index, [row]);
  }
  return keys.map((key, index) => {
    const found = byKey.get(index) ?? [];
    const more = found.length > key.page.size;
    // Pages are always newest first; a backward page was read oldest first.
    const page = newer ? found.slice(0, key.page.size).reverse() : found.slice(0, key.page.size);
    const edges = page.map((row) => ({
      cursor: encodePostingCursor(BigInt(row.posting_id)),
      transaction: {
        id: row.transaction_id,
        kind: row.kind,
        currency: row.currency,
        amountMinor: BigInt(row.transaction_amount_minor),
        reference: row.reference,
        reversesId: row.reverses_id,
        createdAt: row.created_at,
      },
      posting: {
        accountId: row.account_id,
        currency: row.currency,
        amountMinor: BigInt(row.amount_minor),
        balanceAfterMinor: BigInt(row.balance_after_minor),
      },
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: newer ? key.page.cursor !== null : more,
        hasPreviousPage: newer ? more : key.page.cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  });
}

async function loadHistoryPages(pool: LedgerPool, keys: readonly HistoryKey[]): Promise<TransactionConnectionView[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const signature = groupSignature(key);
    const group = groups.get(signature);
    if (group) group.push(index);
    else groups.set(signature, [index]);
  });
  const results = new Array<TransactionConnectionView>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pages = await loadHistoryGroup(pool, indexes.map((index) => keys[index]!));
      indexes.forEach((index, position) => (results[index] = pages[position]!));
    }),
  );
  return results;
}

type Stored<Model, BigIntField extends keyof Model> = Omit<Model, BigIntField> & { [Field in BigIntField]: string };

/** Ledger accounts by a condition, as the Prisma model (every money movement looks its accounts up first). */
async function selectLedgerAccounts(pool: LedgerPool, where: Prisma.Sql): Promise<LedgerAccount[]> {
  const rows = await rawRows<Stored<LedgerAccount, "balanceMinor" | "overdraftLimitMinor" | "version" | "pendingDebitsMinor">>(pool, Prisma.sql`
    SELECT id::text AS id, kind::text AS kind, owner_id::text AS "ownerId", number, currency, balance_minor AS "balanceMinor",
           overdraft_limit_minor AS "overdraftLimitMinor", status::text AS status, status_version AS "statusVersion",
           version, pending_debits_minor AS "pendingDebitsMinor", created_at AS "createdAt"
      FROM ledger.ledger_accounts WHERE ${where}`);
  return rows.map((row) => ({
    ...row,
    balanceMinor: BigInt(row.balanceMinor),
    overdraftLimitMinor: BigInt(row.overdraftLimitMinor),
    version: BigInt(row.version),
    pendingDebitsMinor: BigInt(row.pendingDebitsMinor),
  }));
}

/**
 * Built per request, so nothing leaks between callers and every list-to-entity hop is batched. The hot reads
 * (accounts, active holds, history) go to `pool`: by default the pg pool `db` was created on (kernel/db.ts).
 */
export function createLedgerLoaders(db: LedgerDb, pool: LedgerPool | undefined = rawPoolOf(db)): LedgerLoaders {
  if (!pool) throw new Error("createLedgerLoaders needs the pg pool of kernel/db.ts");
  return {
    ledgerAccountById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => selectLedgerAccounts(pool, Prisma.sql`id = ANY(${valid}::uuid[])`), (row) => row.id),
    ),
    ledgerAccountByNumber: new DataLoader(async (numbers) => {
      const rows = await selectLedgerAccounts(pool, Prisma.sql`number = ANY(${[...numbers]}::text[])`);
      const byNumber = new Map(rows.map((row) => [row.number, row]));
      return numbers.map((number) => byNumber.get(number) ?? null);
    }),
    transactionById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.ledgerTransaction.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
    reversalOf: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.ledgerTransaction.findMany({ where: { reversesId: { in: valid } } }), (row) => row.reversesId!),
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
    holdById: new DataLoader((ids) => loadByIds(ids, (valid) => db.hold.findMany({ where: { id: { in: valid } } }), (row) => row.id)),
    activeHoldsByAccount: new DataLoader((ids) =>
      loadGroupedByIds(
        ids,
        async (valid) => {
          const rows = await rawRows<Stored<Hold, "amountMinor" | "capturedMinor">>(pool, Prisma.sql`
            SELECT id::text AS "id", account_id::text AS "accountId", to_account_id::text AS "toAccountId", currency,
                   amount_minor AS "amountMinor", reference, status::text AS status, captured_minor AS "capturedMinor",
                   initiated_by::text AS "initiatedBy", created_at AS "createdAt", expires_at AS "expiresAt", settled_at AS "settledAt"
              FROM ledger.holds
             WHERE account_id = ANY(${valid}::uuid[]) AND status = 'PENDING' AND expires_at > clock_timestamp()
             ORDER BY created_at, id`);
          return rows.map((row) => ({ ...row, amountMinor: BigInt(row.amountMinor), capturedMinor: row.capturedMinor === null ? null : BigInt(row.capturedMinor) }));
        },
        (row) => row.accountId,
      ),
    ),
    historyPage: new DataLoader((keys) => loadHistoryPages(pool, keys), {
      cacheKeyFn: (key) =>
        [key.accountId, groupSignature(key), key.page.size, key.page.cursor ?? "", key.filter.minMinor ?? ""].join("|"),
    }),
  };
}
