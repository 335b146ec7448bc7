// The optional scheduled reconciliation (REPORTING_RECONCILE_INTERVAL_MINUTES > 0): every interval, check
// yesterday and today against the ledger, log each difference and expose the count as a gauge. It only
// reports; repairing stays an administrator's decision (reconcileReporting with repair: true).
import { randomUUID } from "node:crypto";
import { Gauge } from "prom-client";
import type { PrismaClient } from "#kernel/db.js";
import { IdentitySigner, type Caller } from "#kernel/identity.js";
import { createSubgraphCaller } from "#kernel/internal-client.js";
import type { Logger } from "#kernel/logger.js";
import { createLedgerClient } from "./ledger-client.js";
import { DAY_MS, parseDay, dayOf } from "./periods.js";
import { reconcileDay } from "./reconcile.js";

/** The job reads only bank-wide aggregates, so it signs as an analyst (the least role that may). */
const SYSTEM_CALLER: Caller = { userId: "00000000-0000-4000-8000-000000000000", role: "ANALYST", sessionId: null };

export interface ScheduledReconciliation {
  /** `fedbank_reporting_reconciliation_differences{day}`, for the service's /metrics. */
  gauge: Gauge<"day">;
  /** One check of yesterday and today (what each tick runs); never throws. */
  runOnce(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createScheduledReconciliation(options: {
  intervalMinutes: number;
  db: Pick<PrismaClient, "$queryRaw" | "$transaction">;
  ledgerUrl: string;
  identitySecret: string;
  timeoutMs: number;
  logger: Logger;
}): ScheduledReconciliation {
  const log = options.logger.child({ component: "scheduled-reconciliation" });
  const signer = new IdentitySigner(options.identitySecret);
  const differencesGauge = new Gauge({
    name: "fedbank_reporting_reconciliation_differences",
    help: "Figures on which the reporting projection differed from the ledger at the last scheduled check, by day",
    labelNames: ["day"],
    registers: [],
  });
  let running = false;
  async function run() {
    if (running) return;
    running = true;
    try {
      const today = parseDay(dayOf(new Date()));
      for (const day of [new Date(today.getTime() - DAY_MS), today]) {
        const caller = createSubgraphCaller({ signer, caller: SYSTEM_CALLER, requestId: randomUUID(), timeoutMs: options.timeoutMs });
        const report = await reconcileDay(options.db, createLedgerClient(options.ledgerUrl, caller), day, { repair: false });
        differencesGauge.set({ day: day === today ? "today" : "yesterday" }, report.differences.length);
        if (report.consistent) log.info({ date: report.date }, "reporting projection reconciles with the ledger");
        else log.warn({ date: report.date, differences: report.differences }, "reporting projection differs from the ledger");
      }
    } catch (error) {
      log.warn({ err: error }, "scheduled reconciliation failed; retried at the next interval");
    } finally {
      running = false;
    }
  }
  let timer: NodeJS.Timeout | undefined;
  return {
    gauge: differencesGauge,
    runOnce: run,
    start() {
      if (options.intervalMinutes <= 0 || timer) return;
      timer = setInterval(() => void run(), options.intervalMinutes * 60_000);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
