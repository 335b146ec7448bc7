// Reconciliation: recompute a day's figures from the ledger (its own aggregate query, called through the
// transactions subgraph) and compare them with the projection, figure by figure. A repair overwrites the
// day's ledger-backed rows with the ledger's figures in one transaction (for days whose events were lost,
// or history written without events, such as the demo seed).
import type { PrismaClient } from "#kernel/db.js";
import { Prisma } from "#kernel/db.js";
import type { LedgerClient } from "./ledger-client.js";
import { DAY_MS, dayOf } from "./periods.js";
import { LEDGER_METRICS } from "./projections.js";

export interface ReconciliationDifferenceView {
  currency: string;
  metric: string;
  measure: "COUNT" | "VOLUME";
  ledger: string;
  projection: string;
}

export interface ReconciliationReportView {
  date: string;
  checkedAt: Date;
  consistent: boolean;
  differences: ReconciliationDifferenceView[];
  repaired: boolean;
}

interface Figure {
  count: bigint;
  volumeMinor: bigint;
}

const keyOf = (currency: string, metric: string) => `${currency}/${metric}`;

/** Every figure of either side, compared; a figure missing on one side counts as zero there. */
export function compareFigures(ledger: Map<string, Figure>, projection: Map<string, Figure>): ReconciliationDifferenceView[] {
  const differences: ReconciliationDifferenceView[] = [];
  for (const key of [...new Set([...ledger.keys(), ...projection.keys()])].sort()) {
    const [currency, metric] = key.split("/") as [string, string];
    const a = ledger.get(key) ?? { count: 0n, volumeMinor: 0n };
    const b = projection.get(key) ?? { count: 0n, volumeMinor: 0n };
    if (a.count !== b.count) differences.push({ currency, metric, measure: "COUNT", ledger: String(a.count), projection: String(b.count) });
    if (a.volumeMinor !== b.volumeMinor) {
      differences.push({ currency, metric, measure: "VOLUME", ledger: String(a.volumeMinor), projection: String(b.volumeMinor) });
    }
  }
  return differences;
}

export async function reconcileDay(
  db: Pick<PrismaClient, "$queryRaw" | "$transaction">,
  ledgerClient: LedgerClient,
  day: Date,
  options: { repair: boolean },
): Promise<ReconciliationReportView> {
  const end = new Date(day.getTime() + DAY_MS);
  const date = dayOf(day);
  // The ledger first: events of movements it already shows are then, at worst, on their way to the projection.
  const ledgerRows = await ledgerClient.totals(day, end);
  const ledger = new Map(ledgerRows.map((row) => [keyOf(row.currency, row.metric), { count: BigInt(row.count), volumeMinor: BigInt(row.volumeMinor) }]));
  const projectionRows = await db.$queryRaw<{ currency: string; metric: string; count: bigint; volume_minor: string }[]>(Prisma.sql`
    SELECT currency::text AS currency, metric, count, volume_minor::text AS volume_minor
      FROM reporting.daily_activity
     WHERE day = ${date}::date AND metric IN (${Prisma.join(LEDGER_METRICS)})`);
  const projection = new Map(
    projectionRows.map((row) => [keyOf(row.currency, row.metric), { count: row.count, volumeMinor: BigInt(row.volume_minor) }]),
  );
  const differences = compareFigures(ledger, projection);
  let repaired = false;
  if (options.repair && differences.length > 0) {
    const currencies = ledgerRows.map((row) => row.currency);
    await db.$transaction(async (tx) => {
      await tx.$executeRaw(Prisma.sql`
        DELETE FROM reporting.daily_activity WHERE day = ${date}::date AND metric IN (${Prisma.join(LEDGER_METRICS)})`);
      if (ledgerRows.length > 0) {
        await tx.$executeRaw(Prisma.sql`
          INSERT INTO reporting.daily_activity (day, currency, metric, count, volume_minor, updated_at)
          SELECT ${date}::date, r.currency, r.metric, r.count, r.volume_minor, now()
            FROM unnest(${currencies}::text[], ${ledgerRows.map((row) => row.metric)}::text[],
                        ${ledgerRows.map((row) => row.count)}::bigint[], ${ledgerRows.map((row) => row.volumeMinor)}::numeric[])
                 AS r(currency, metric, count, volume_minor)`);
      }
    });
    repaired = true;
  }
  return { date, checkedAt: new Date(), consistent: differences.length === 0, differences, repaired };
}
