// The hold-expiry job. Availability already ignores a PENDING hold past `expires_at` (SQL filters on it), so
// expiry frees funds on time without this job; the job makes the expiry a recorded fact: it moves such holds
// to EXPIRED (the database allows it only after `expires_at`) and writes `ledger.hold.expired` through the
// outbox in the same transaction, so owners are told. It also writes `ledger.hold.expiring` once per hold when
// a pending hold enters its warning window. Any number of replicas may run it: rows are taken with
// `FOR UPDATE SKIP LOCKED`, a hold changes state once, and a warning is recorded once (primary key).
import { Prisma } from "../../../kernel/db.js";
import { appendOutboxEvent } from "../../../kernel/events/outbox.js";
import type { Logger } from "../../../kernel/logger.js";
import type { LedgerDb } from "./db.js";

/** Holds handled per transaction: keeps each transaction (and its row locks) short. */
const BATCH = 100;

interface HoldRow {
  id: string;
  account_id: string;
  owner_id: string | null;
  currency: string;
  amount_minor: bigint;
  expires_at: Date;
}

const holdPayload = (row: HoldRow) => ({
  holdId: row.id,
  accountId: row.account_id,
  ownerId: row.owner_id,
  amountMinor: String(row.amount_minor),
  currency: row.currency,
});

/** Expires up to BATCH overdue holds in one transaction; returns how many. */
export async function expireOverdueHolds(db: LedgerDb): Promise<number> {
  return db.$transaction(async (tx) => {
    const expired = await tx.$queryRaw<HoldRow[]>(Prisma.sql`
      WITH due AS (
        SELECT id FROM ledger.holds
         WHERE status = 'PENDING' AND expires_at <= clock_timestamp()
         ORDER BY expires_at
         LIMIT ${BATCH}
         FOR UPDATE SKIP LOCKED)
      UPDATE ledger.holds h SET status = 'EXPIRED', settled_at = clock_timestamp()
        FROM due, ledger.ledger_accounts a
       WHERE h.id = due.id AND a.id = h.account_id
      RETURNING h.id::text AS id, h.account_id::text AS account_id, a.owner_id::text AS owner_id, h.currency,
                h.amount_minor, h.expires_at`);
    for (const row of expired) {
      await appendOutboxEvent(tx, "ledger", { type: "ledger.hold.expired", aggregateId: row.id, actor: null, payload: holdPayload(row) });
    }
    return expired.length;
  });
}

/** Warns (once per hold) about pending holds that expire within `warningSeconds`; returns how many. */
export async function warnExpiringHolds(db: LedgerDb, warningSeconds: number): Promise<number> {
  if (warningSeconds <= 0) return 0;
  return db.$transaction(async (tx) => {
    // The hold row is locked so the warning cannot be written after a concurrent capture, void or expiry.
    const expiring = await tx.$queryRaw<HoldRow[]>(Prisma.sql`
      WITH due AS (
        SELECT h.id FROM ledger.holds h
         WHERE h.status = 'PENDING' AND h.expires_at > clock_timestamp()
           AND h.expires_at <= clock_timestamp() + make_interval(secs => ${warningSeconds})
           AND NOT EXISTS (SELECT 1 FROM ledger.hold_expiry_warnings w WHERE w.hold_id = h.id)
         ORDER BY h.expires_at
         LIMIT ${BATCH}
         FOR UPDATE OF h SKIP LOCKED),
      warned AS (
        INSERT INTO ledger.hold_expiry_warnings (hold_id) SELECT id FROM due
        ON CONFLICT (hold_id) DO NOTHING
        RETURNING hold_id)
      SELECT h.id::text AS id, h.account_id::text AS account_id, a.owner_id::text AS owner_id, h.currency,
             h.amount_minor, h.expires_at
        FROM warned JOIN ledger.holds h ON h.id = warned.hold_id JOIN ledger.ledger_accounts a ON a.id = h.account_id`);
    for (const row of expiring) {
      await appendOutboxEvent(tx, "ledger", {
        type: "ledger.hold.expiring",
        aggregateId: row.id,
        actor: null,
        payload: { ...holdPayload(row), expiresAt: row.expires_at.toISOString() },
      });
    }
    return expiring.length;
  });
}

export interface HoldExpiryJob {
  /** One pass now (warnings, then expiries until none is due); resolves when done. */
  runOnce(): Promise<{ warned: number; expired: number }>;
  stop(): Promise<void>;
}

/** Runs a pass every `intervalMs` (never two at once in this process); errors are logged and retried next time. */
export function startHoldExpiryJob(options: { db: LedgerDb; intervalMs: number; warningSeconds: number; logger: Logger }): HoldExpiryJob {
  const log = options.logger.child({ component: "hold-expiry" });
  let running: Promise<{ warned: number; expired: number }> | null = null;
  let stopped = false;

  async function pass() {
    const warned = await warnExpiringHolds(options.db, options.warningSeconds);
    let expired = 0;
    for (;;) {
      const count = await expireOverdueHolds(options.db);
      expired += count;
      if (count < BATCH || stopped) break;
    }
    if (warned + expired > 0) log.info({ warned, expired }, "hold expiry pass");
    return { warned, expired };
  }

  function runOnce() {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (running || stopped) return;
    runOnce().catch((error: unknown) => log.warn({ err: error }, "hold expiry pass failed; retrying at the next interval"));
  }, options.intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
