// Reads of the projections: each report is one set-based statement over reporting's own tables, whatever
// the number of days or currencies it covers.
import type { PrismaClient } from "#kernel/db.js";
import { Prisma } from "#kernel/db.js";
import { money, type Money } from "#domain/money.js";
import { MOVEMENT_KINDS, Metric } from "./projections.js";
import { DAY_MS, dayOf } from "./periods.js";

type Db = Pick<PrismaClient, "$queryRaw">;

interface ActivityRow {
  currency: string;
  metric: string;
  count: bigint;
  volume_minor: string;
}

export interface PeriodSummaryView {
  period: string;
  currency: string;
  movements: { kind: string; count: number; volume: Money }[];
  failedTransfers: number;
  newAccounts: number;
  activeUsers: number;
}

/** Totals per currency and metric over [start, end) days, plus the distinct active users of the period. */
async function readActivity(db: Db, start: Date, end: Date, currency: string | null) {
  // Two statements one after the other (not Promise.all): the embedded PGlite serves one statement at a time.
  const rows = await db.$queryRaw<ActivityRow[]>(Prisma.sql`
    SELECT currency::text AS currency, metric, sum(count)::bigint AS count, sum(volume_minor)::text AS volume_minor
      FROM reporting.daily_activity
     WHERE day >= ${dayOf(start)}::date AND day < ${dayOf(end)}::date
       AND (${currency}::text IS NULL OR currency = ${currency}::text)
     GROUP BY currency, metric`);
  const users = await db.$queryRaw<{ distinct_users: bigint; user_days: bigint }[]>(Prisma.sql`
    SELECT count(DISTINCT user_id)::bigint AS distinct_users, count(*)::bigint AS user_days
      FROM reporting.daily_active_users
     WHERE day >= ${dayOf(start)}::date AND day < ${dayOf(end)}::date`);
  return { rows, activeUsers: Number(users[0]?.distinct_users ?? 0n), userDays: users[0]?.user_days ?? 0n };
}

function pick(rows: ActivityRow[], currency: string, metric: string) {
  const row = rows.find((candidate) => candidate.currency === currency && candidate.metric === metric);
  return { count: row ? row.count : 0n, volumeMinor: row ? BigInt(row.volume_minor) : 0n };
}

export async function periodSummary(db: Db, period: string, start: Date, end: Date, currency: string): Promise<PeriodSummaryView> {
  const { rows, activeUsers } = await readActivity(db, start, end, currency);
  return {
    period,
    currency,
    movements: MOVEMENT_KINDS.map((kind) => {
      const { count, volumeMinor } = pick(rows, currency, kind);
      return { kind, count: Number(count), volume: money(volumeMinor, currency) };
    }),
    failedTransfers: Number(pick(rows, currency, Metric.TRANSFER_FAILED).count),
    newAccounts: Number(pick(rows, currency, Metric.ACCOUNT_OPENED).count),
    activeUsers,
  };
}

export interface KpisView {
  from: string;
  to: string;
  days: number;
  activeUsers: number;
  averageDailyActiveUsers: string;
  currencies: {
    currency: string;
    transactionCount: number;
    volume: Money;
    transferCount: number;
    averageTransfer: Money | null;
    failedTransfers: number;
    transferFailureRate: string;
    newAccounts: number;
  }[];
}

/** `numerator / denominator` as a decimal string with `scale` decimals, rounded half up, exactly. */
export function ratio(numerator: bigint, denominator: bigint, scale: number): string {
  if (denominator === 0n) return (0).toFixed(scale);
  const factor = 10n ** BigInt(scale);
  const scaled = (numerator * factor * 2n + denominator) / (denominator * 2n);
  const whole = scaled / factor;
  const fraction = (scaled % factor).toString().padStart(scale, "0");
  return scale === 0 ? whole.toString() : `${whole}.${fraction}`;
}

export async function kpis(db: Db, first: Date, last: Date): Promise<KpisView> {
  const end = new Date(last.getTime() + DAY_MS);
  const days = Math.round((end.getTime() - first.getTime()) / DAY_MS);
  const { rows, activeUsers, userDays } = await readActivity(db, first, end, null);
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  return {
    from: dayOf(first),
    to: dayOf(last),
    days,
    activeUsers,
    averageDailyActiveUsers: ratio(userDays, BigInt(days), 2),
    currencies: currencies.map((currency) => {
      const movements = MOVEMENT_KINDS.map((kind) => pick(rows, currency, kind));
      const transactionCount = movements.reduce((sum, item) => sum + item.count, 0n);
      const volume = movements.reduce((sum, item) => sum + item.volumeMinor, 0n);
      const transfers = pick(rows, currency, "TRANSFER");
      const failed = pick(rows, currency, Metric.TRANSFER_FAILED).count;
      return {
        currency,
        transactionCount: Number(transactionCount),
        volume: money(volume, currency),
        transferCount: Number(transfers.count),
        averageTransfer: transfers.count > 0n ? money(transfers.volumeMinor / transfers.count, currency) : null,
        failedTransfers: Number(failed),
        transferFailureRate: ratio(failed, transfers.count + failed, 4),
        newAccounts: Number(pick(rows, currency, Metric.ACCOUNT_OPENED).count),
      };
    }),
  };
}

export interface DashboardMetricsView {
  at: Date;
  date: string;
  transferCount: number;
  failedTransfers: number;
  volumes: { currency: string; transferCount: number; volume: Money }[];
  activeSessions: number;
}

/** Today's transfers and failures (all currencies) and the recent sessions, in one statement. */
export async function dashboardMetrics(db: Db, now: Date, sessionWindowMinutes: number): Promise<DashboardMetricsView> {
  const today = dayOf(now);
  const since = new Date(now.getTime() - sessionWindowMinutes * 60_000);
  const rows = await db.$queryRaw<(ActivityRow & { sessions: bigint })[]>(Prisma.sql`
    SELECT a.currency::text AS currency, a.metric, a.count, a.volume_minor::text AS volume_minor, s.sessions
      FROM (SELECT count(*)::bigint AS sessions FROM reporting.login_sessions WHERE logged_in_at >= ${since}) s
      LEFT JOIN reporting.daily_activity a
        ON a.day = ${today}::date AND a.metric IN ('TRANSFER', ${Metric.TRANSFER_FAILED})
     ORDER BY a.currency`);
  const activity = rows.filter((row) => row.currency !== null);
  const transfers = activity.filter((row) => row.metric === "TRANSFER");
  return {
    at: now,
    date: today,
    transferCount: Number(transfers.reduce((sum, row) => sum + row.count, 0n)),
    failedTransfers: Number(activity.filter((row) => row.metric === Metric.TRANSFER_FAILED).reduce((sum, row) => sum + row.count, 0n)),
    volumes: transfers.map((row) => ({ currency: row.currency, transferCount: Number(row.count), volume: money(BigInt(row.volume_minor), row.currency) })),
    activeSessions: Number(rows[0]?.sessions ?? 0n),
  };
}
