// Every ledger write runs in one database transaction; the rare serialization failure or deadlock
// Postgres reports is retried here, inside the service, and never reaches a client.
import type { LedgerDb, LedgerTx } from "./db.js";

const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 5;

/** True for Postgres serialization failures and deadlocks, however the driver adapter wraps them. */
export function isRetryableDatabaseError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const record = error as Record<string, unknown>;
  for (const value of [record.code, (record.meta as Record<string, unknown> | undefined)?.code, record.originalCode]) {
    if (typeof value === "string" && RETRYABLE.has(value)) return true;
  }
  if (typeof record.message === "string" && /deadlock detected|could not serialize access/.test(record.message)) return true;
  return isRetryableDatabaseError(record.cause, depth + 1) || isRetryableDatabaseError(record.meta, depth + 1);
}

/**
 * Runs `attempt` again (after a short random pause) while it fails with a serialization failure or deadlock,
 * at most MAX_ATTEMPTS times; `refusal` turns an error into the one to throw at once (a domain refusal).
 */
export async function withRetries<T>(attempt: () => Promise<T>, refusal?: (error: unknown) => Error | null | undefined): Promise<T> {
  for (let count = 1; ; count += 1) {
    try {
      return await attempt();
    } catch (error) {
      const refused = refusal?.(error);
      if (refused) throw refused;
      if (count >= MAX_ATTEMPTS || !isRetryableDatabaseError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * count));
    }
  }
}

/** Runs `work` in a READ COMMITTED database transaction, retrying it whole on serialization failures. */
export function inLedgerTransaction<T>(db: LedgerDb, work: (tx: LedgerTx) => Promise<T>): Promise<T> {
  // Waits are bounded by lock contention on hot accounts, not by the work itself: generous limits.
  return withRetries(() => db.$transaction((tx) => work(tx), { maxWait: 15_000, timeout: 20_000 }));
}
