// Idempotency keys for money-moving mutations (Stripe-style), scoped per caller. The movement's SQL function
// claims the key first (ledger.claim_idempotency_key), in the same statement as the movement, naming the
// result before it exists:
// - a retry after commit finds the row: same input → the original result, marked as replayed;
//   different input → IDEMPOTENCY_KEY_REUSED;
// - a concurrent duplicate blocks on the key's unique index until the first commits (then replays it) or
//   rolls back (then executes itself): exactly one movement;
// - a movement refused with a domain error rolls back with its key, so a failed attempt never poisons it.
import { createHash } from "node:crypto";
import { Prisma } from "#kernel/db.js";
import { badUserInput } from "#kernel/errors.js";
import type { LedgerDb } from "./db.js";

export type IdempotentOperation = "deposit" | "withdraw" | "transfer" | "reverse" | "authorize" | "capture" | "void";

const MAX_KEY_LENGTH = 200;

export function checkIdempotencyKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_KEY_LENGTH) {
    throw badUserInput(`idempotencyKey must be 1 to ${MAX_KEY_LENGTH} characters`, { field: "idempotencyKey" });
  }
  return trimmed;
}

/** sha256 over the operation and its normalised input, in a fixed key order. */
export function fingerprint(operation: IdempotentOperation, input: Record<string, string | null>): string {
  const canonical = JSON.stringify([operation, Object.keys(input).sort().map((name) => [name, input[name]])]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** Deletes keys older than the retention period (never below 24 h; the database refuses younger ones). */
export async function purgeIdempotencyKeys(db: LedgerDb, retentionHours: number): Promise<number> {
  const hours = Math.max(24, Math.floor(retentionHours));
  return db.$executeRaw(Prisma.sql`
    DELETE FROM ledger.idempotency_keys WHERE created_at < clock_timestamp() - make_interval(hours => ${hours})`);
}
