// Two-phase transfers: a hold reserves funds on the source account (its available balance drops, its
// balance does not); a capture settles all or part of it with an ordinary transfer; a void releases it.
// A hold changes state once, from PENDING (guarded in the database). A hold past `expires_at` stops
// counting toward availability at that instant, because every availability check filters on it in SQL;
// the hold-expiry job (hold-expiry.ts) then records it as EXPIRED and emits ledger.hold.expired.
// Each operation is one call of its SQL function (ledger.authorize_hold, capture_hold, void_hold): the database
// keeps every account's pending debits (the sum of its PENDING holds) and refuses a hold the balance cannot cover.
import { randomUUID } from "node:crypto";
import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { ErrorCode, domainError } from "#kernel/errors.js";
import type { Hold } from "#kernel/generated/prisma/client.js";
import type { TransactionsContext } from "./context.js";
import { checkIdempotencyKey, fingerprint } from "./idempotency.js";
import { eventContextOf } from "./ledger.js";
import { callLedger, prepareOutboxRows } from "./ledger-sql.js";
import { parseMovementAmount } from "./lookup.js";
import {
  decidedByDatabase,
  movementResult,
  resolveTransfer,
  type MovementResult,
  type PostedRow,
  type TransferRequest,
} from "./movements.js";

export interface HoldOutcome {
  holdId: string;
  replayed: boolean;
}

/** A hold the caller may see: staff, or the owner of its source account. Others get NOT_FOUND. */
export async function loadVisibleHold(context: TransactionsContext, holdId: string): Promise<Hold | null> {
  const caller = requireCaller(context.caller);
  const hold = isUuid(holdId) ? await context.loaders.holdById.load(holdId) : null;
  if (!hold) return null;
  const account = await context.loaders.ledgerAccountById.load(hold.accountId);
  if (!account?.ownerId || !mayAccessCustomerData(caller, account.ownerId)) return null;
  return hold;
}

async function requireVisibleHold(context: TransactionsContext, holdId: string): Promise<Hold> {
  const hold = await loadVisibleHold(context, holdId);
  if (!hold) throw domainError(ErrorCode.NOT_FOUND, "No such hold");
  return hold;
}

export async function authorizeTransfer(context: TransactionsContext, input: TransferRequest): Promise<HoldOutcome> {
  const { caller, from, to, amountMinor, reference, currency } = await resolveTransfer(context, input);
  const key = checkIdempotencyKey(input.idempotencyKey);
  const holdId = randomUUID();
  const print = fingerprint("authorize", { from: from.id, to: to.id, amount: String(amountMinor), currency, reference });
  const events = await prepareOutboxRows([{
    type: "ledger.hold.placed",
    aggregateId: holdId,
    ...eventContextOf(context),
    payload: {
      holdId, accountId: from.id, ownerId: from.ownerId, amountMinor: String(amountMinor), currency, expiresAt: decidedByDatabase(),
    },
  }]);
  const row = await callLedger<{ hold_id: string; replayed: boolean }>(
    context.pool,
    "SELECT * FROM ledger.authorize_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    [caller.userId, key, print, holdId, from.id, to.id, currency, String(amountMinor), reference, context.holdTtlSeconds, events],
  );
  return { holdId: row.hold_id, replayed: row.replayed };
}

export async function captureTransfer(
  context: TransactionsContext,
  input: { holdId: string; amount?: string | null; idempotencyKey: string },
): Promise<MovementResult> {
  const caller = requireCaller(context.caller);
  const hold = await requireVisibleHold(context, input.holdId);
  const amountMinor = input.amount == null ? hold.amountMinor : parseMovementAmount(input.amount, hold.currency);
  if (amountMinor > hold.amountMinor) {
    throw domainError(ErrorCode.INVALID_AMOUNT, "A capture cannot exceed the held amount", { field: "amount" });
  }
  const key = checkIdempotencyKey(input.idempotencyKey);
  // Owners for the events (a batch with the source account loadVisibleHold already read).
  const [source, destination] = await Promise.all([
    context.loaders.ledgerAccountById.load(hold.accountId),
    context.loaders.ledgerAccountById.load(hold.toAccountId),
  ]);
  const id = randomUUID();
  const actor = eventContextOf(context);
  const amount = { amountMinor: String(amountMinor), currency: hold.currency };
  const events = await prepareOutboxRows([
    {
      type: "ledger.transfer.posted",
      aggregateId: id,
      ...actor,
      payload: {
        transactionId: id, fromAccountId: hold.accountId, fromOwnerId: source?.ownerId ?? null, toAccountId: hold.toAccountId,
        toOwnerId: destination?.ownerId ?? null, ...amount, postedAt: decidedByDatabase(),
      },
    },
    {
      type: "ledger.hold.captured",
      aggregateId: hold.id,
      ...actor,
      payload: { holdId: hold.id, accountId: hold.accountId, ownerId: source?.ownerId ?? null, ...amount, transactionId: id },
    },
  ]);
  const row = await callLedger<PostedRow>(
    context.pool,
    "SELECT * FROM ledger.capture_hold($1, $2, $3, $4, $5, $6, $7)",
    [caller.userId, key, fingerprint("capture", { hold: hold.id, amount: String(amountMinor) }), id, hold.id, String(amountMinor), events],
  );
  return movementResult(row, { kind: "TRANSFER", currency: hold.currency, amountMinor, reference: hold.reference, reversesId: null });
}

export async function voidTransfer(context: TransactionsContext, input: { holdId: string; idempotencyKey: string }): Promise<HoldOutcome> {
  const caller = requireCaller(context.caller);
  const hold = await requireVisibleHold(context, input.holdId);
  const key = checkIdempotencyKey(input.idempotencyKey);
  const source = await context.loaders.ledgerAccountById.load(hold.accountId);
  const events = await prepareOutboxRows([{
    type: "ledger.hold.voided",
    aggregateId: hold.id,
    ...eventContextOf(context),
    payload: { holdId: hold.id, accountId: hold.accountId, ownerId: source?.ownerId ?? null, amountMinor: String(hold.amountMinor), currency: hold.currency },
  }]);
  const row = await callLedger<{ hold_id: string; replayed: boolean }>(context.pool, "SELECT * FROM ledger.void_hold($1, $2, $3, $4, $5)", [
    caller.userId, key, fingerprint("void", { hold: hold.id }), hold.id, events,
  ]);
  return { holdId: row.hold_id, replayed: row.replayed };
}
