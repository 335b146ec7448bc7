// Aggregates of the ledger over a period, for the reporting service's reconciliation: one set-based
// statement, counts and volumes of posted transactions by currency and kind, and new customer accounts.
import { Prisma } from "#kernel/db.js";
import type { LedgerDb } from "./db.js";

export interface LedgerTotalsRow {
  currency: string;
  /** DEPOSIT, WITHDRAWAL, TRANSFER, REVERSAL, or ACCOUNT_OPENED for customer accounts registered in the period. */
  metric: string;
  count: bigint;
  volumeMinor: string;
}

export async function readLedgerTotals(db: Pick<LedgerDb, "$queryRaw">, from: Date, to: Date): Promise<LedgerTotalsRow[]> {
  const rows = await db.$queryRaw<{ currency: string; metric: string; count: bigint; volume_minor: string }[]>(Prisma.sql`
    SELECT currency::text AS currency, kind::text AS metric, count(*)::bigint AS count, sum(amount_minor)::text AS volume_minor
      FROM ledger.transactions
     WHERE created_at >= ${from} AND created_at < ${to}
     GROUP BY currency, kind
    UNION ALL
    SELECT currency::text, 'ACCOUNT_OPENED', count(*)::bigint, '0'
      FROM ledger.ledger_accounts
     WHERE kind = 'CUSTOMER' AND created_at >= ${from} AND created_at < ${to}
     GROUP BY currency
     ORDER BY 1, 2`);
  return rows.map((row) => ({ currency: row.currency, metric: row.metric, count: row.count, volumeMinor: row.volume_minor }));
}
