// The hold-expiry job. Availability already ignores a PENDING hold past `expires_at` (reads filter on it, and
// every movement expires the overdue holds of the accounts it locks before checking limits), so expiry frees
// funds on time without this job; the job makes the expiry a recorded fact for idle accounts: it moves such
// holds to EXPIRED (the database allows it only after `expires_at`) and writes `ledger.hold.expired` through
// the outbox in the same transaction, so owners are told. It also writes `ledger.hold.expiring` once per hold when
// a pending hold enters its warning window. Any number of replicas may run it: rows are taken with
// `FOR UPDATE SKIP LOCKED`, a hold changes state once, and a warning is recorded once (primary key).
import { Prisma } from "#kernel/db.js";
import { appendOutboxEvent } from "#domain/events.js";
import type { Logger } from "#kernel/logger.js";
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

/**
 * Expires the overdue holds of up to BATCH holds' accounts in one statement (ledger.expire_due_holds): the
 * accounts are locked first, in id order, as by every money movement, then their overdue holds become EXPIRED
 * (releasing their pending debits) with one ledger.hold.expired event each; returns how many.
 */
export async function expireOverdueHolds(db: LedgerDb): Promise<number> {
  const [row] = await db.$queryRaw<{ expired: number }[]>(Prisma.sql`SELECT ledger.expire_due_holds(${BATCH}::integer) AS expired`);
  return row?.expired ?? 0;
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
