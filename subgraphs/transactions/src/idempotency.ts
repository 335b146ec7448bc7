// Idempotency keys for money-moving mutations (Stripe-style), scoped per caller. The key row is inserted
// first, in the same database transaction as the movement, naming the result before it exists:
// - a retry after commit finds the row: same input → the original result, marked as replayed;
//   different input → IDEMPOTENCY_KEY_REUSED;
// - a concurrent duplicate blocks on the key's unique index until the first commits (then replays it) or
//   rolls back (then executes itself): exactly one movement;
// - a movement refused with a domain error rolls back with its key, so a failed attempt never poisons it.
import { createHash, randomUUID } from "node:crypto";
import { Prisma } from "../../../kernel/db.js";
import { ErrorCode, badUserInput, domainError } from "../../../kernel/errors.js";
import type { LedgerDb, LedgerTx } from "./db.js";
import { inLedgerTransaction } from "./retry.js";

export type IdempotentOperation = "deposit" | "withdraw" | "transfer" | "reverse" | "authorize" | "capture" | "void";

export interface IdempotentRequest {
  callerId: string;
  key: string;
  operation: IdempotentOperation;
  /** The normalised input; only its hash is stored. */
  input: Record<string, string | null>;
  /** The id the result will have when it is not created by `work` (e.g. the hold a void settles). */
  resultId?: string;
}

export interface IdempotentOutcome<T> {
  /** The transaction or hold the request produced (now or originally). */
  resultId: string;
  replayed: boolean;
  /** What `work` returned; absent on a replay. */
  value?: T;
}

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

/**
 * Runs `work(tx, resultId)` at most once per (caller, key): see the module comment. `work` must create the
 * transaction or hold whose id it is given.
 */
export async function runIdempotent<T>(
  db: LedgerDb,
  request: IdempotentRequest,
  work: (tx: LedgerTx, resultId: string) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  const key = checkIdempotencyKey(request.key);
  const print = fingerprint(request.operation, request.input);
  return inLedgerTransaction(db, async (tx) => {
    const resultId = request.resultId ?? randomUUID();
    const claimed = await tx.$queryRaw<{ result_id: string }[]>(Prisma.sql`
      INSERT INTO ledger.idempotency_keys (caller_id, key, operation, fingerprint, result_id, created_at)
      VALUES (${request.callerId}::uuid, ${key}, ${request.operation}, ${print}, ${resultId}::uuid, clock_timestamp())
      ON CONFLICT (caller_id, key) DO NOTHING
      RETURNING result_id::text AS result_id`);
    if (claimed.length === 0) {
      const [existing] = await tx.$queryRaw<{ operation: string; fingerprint: string; result_id: string }[]>(Prisma.sql`
        SELECT operation, fingerprint, result_id::text AS result_id FROM ledger.idempotency_keys
         WHERE caller_id = ${request.callerId}::uuid AND key = ${key}`);
      if (!existing) {
        // Deleted between the two statements (retention sweep): extremely unlikely; let the client retry.
        throw domainError(ErrorCode.IDEMPOTENCY_CONFLICT, "The idempotency key is being processed; retry");
      }
      if (existing.operation !== request.operation || existing.fingerprint !== print) {
        throw domainError(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          "This idempotency key was already used with a different request",
        );
      }
      return { resultId: existing.result_id, replayed: true };
    }
    const value = await work(tx, resultId);
    return { resultId, replayed: false, value };
  });
}

/** Deletes keys older than the retention period (never below 24 h; the database refuses younger ones). */
export async function purgeIdempotencyKeys(db: LedgerDb, retentionHours: number): Promise<number> {
  const hours = Math.max(24, Math.floor(retentionHours));
  return db.$executeRaw(Prisma.sql`
    DELETE FROM ledger.idempotency_keys WHERE created_at < clock_timestamp() - make_interval(hours => ${hours})`);
}
