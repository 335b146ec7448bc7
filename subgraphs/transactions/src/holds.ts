// Two-phase transfers: a hold reserves funds on the source account (its available balance drops, its
// balance does not); a capture settles all or part of it with an ordinary transfer; a void releases it.
// A hold changes state once, from PENDING (guarded in the database). A hold past `expires_at` stops
// counting toward availability at that instant, because every availability check filters on it in SQL;
// the hold-expiry job (hold-expiry.ts) then records it as EXPIRED and emits ledger.hold.expired.
import { mayAccessCustomerData, requireCaller } from "../../../kernel/authz.js";
import { isUuid } from "../../../kernel/batch.js";
import { Prisma } from "../../../kernel/db.js";
import { ErrorCode, domainError } from "../../../kernel/errors.js";
import { appendOutboxEvent } from "../../../kernel/events/outbox.js";
import type { Hold } from "../../../kernel/generated/prisma/client.js";
import type { TransactionsContext } from "./context.js";
import { runIdempotent } from "./idempotency.js";
import { activeHolds, checkCreditable, checkDebitable, checkWithinLimit, eventContextOf, lockAccounts, postWithin } from "./ledger.js";
import { parseMovementAmount } from "./lookup.js";
import { resolveTransfer, type MovementResult, type TransferRequest } from "./movements.js";

export interface HoldOutcome {
  holdId: string;
  replayed: boolean;
}

const notPending = () => domainError(ErrorCode.HOLD_NOT_PENDING, "The hold is no longer pending (captured, voided or expired)");

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
  const outcome = await runIdempotent(
    context.db,
    {
      callerId: caller.userId,
      key: input.idempotencyKey,
      operation: "authorize",
      input: { from: from.id, to: to.id, amount: String(amountMinor), currency, reference },
    },
    async (tx, holdId) => {
      const locked = await lockAccounts(tx, [from.id, to.id]);
      const source = locked.get(from.id)!;
      checkDebitable(source);
      checkCreditable(locked.get(to.id)!);
      const held = (await activeHolds(tx, [source.id])).get(source.id) ?? 0n;
      checkWithinLimit(source, source.balance_minor, held + amountMinor);
      const [placed] = await tx.$queryRaw<{ expires_at: Date }[]>(Prisma.sql`
        INSERT INTO ledger.holds (id, account_id, to_account_id, currency, amount_minor, reference, initiated_by, created_at, expires_at)
        VALUES (${holdId}::uuid, ${from.id}::uuid, ${to.id}::uuid, ${currency}, ${amountMinor}, ${reference},
                ${caller.userId}::uuid, clock_timestamp(), clock_timestamp() + make_interval(secs => ${context.holdTtlSeconds}))
        RETURNING expires_at`);
      await appendOutboxEvent(tx, "ledger", {
        type: "ledger.hold.placed",
        aggregateId: holdId,
        ...eventContextOf(context),
        payload: {
          holdId, accountId: from.id, ownerId: source.owner_id, amountMinor: String(amountMinor), currency,
          expiresAt: placed!.expires_at.toISOString(),
        },
      });
    },
  );
  return { holdId: outcome.resultId, replayed: outcome.replayed };
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
  const outcome = await runIdempotent(
    context.db,
    { callerId: caller.userId, key: input.idempotencyKey, operation: "capture", input: { hold: hold.id, amount: String(amountMinor) } },
    async (tx, id) => {
      // Lock order: accounts (in id order) first, then the hold, as everywhere else.
      const locked = await lockAccounts(tx, [hold.accountId, hold.toAccountId]);
      const settled = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        UPDATE ledger.holds SET status = 'CAPTURED', captured_minor = ${amountMinor}, settled_at = clock_timestamp()
         WHERE id = ${hold.id}::uuid AND status = 'PENDING' AND expires_at > clock_timestamp()
        RETURNING id::text AS id`);
      if (settled.length === 0) throw notPending();
      const posted = await postWithin(tx, {
        id,
        kind: "TRANSFER",
        currency: hold.currency,
        reference: hold.reference,
        initiatedBy: caller.userId,
        holdId: hold.id,
        event: eventContextOf(context),
        legs: [
          { accountId: hold.accountId, amountMinor: -amountMinor },
          { accountId: hold.toAccountId, amountMinor },
        ],
      });
      await appendOutboxEvent(tx, "ledger", {
        type: "ledger.hold.captured",
        aggregateId: hold.id,
        ...eventContextOf(context),
        payload: {
          holdId: hold.id, accountId: hold.accountId, ownerId: locked.get(hold.accountId.toLowerCase())?.owner_id ?? null,
          amountMinor: String(amountMinor), currency: hold.currency, transactionId: posted.id,
        },
      });
      return posted;
    },
  );
  return { transactionId: outcome.resultId, transaction: outcome.value ?? null, replayed: outcome.replayed };
}

export async function voidTransfer(context: TransactionsContext, input: { holdId: string; idempotencyKey: string }): Promise<HoldOutcome> {
  const caller = requireCaller(context.caller);
  const hold = await requireVisibleHold(context, input.holdId);
  const outcome = await runIdempotent(
    context.db,
    { callerId: caller.userId, key: input.idempotencyKey, operation: "void", input: { hold: hold.id }, resultId: hold.id },
    async (tx) => {
      const voided = await tx.$queryRaw<{ id: string; owner_id: string | null }[]>(Prisma.sql`
        UPDATE ledger.holds h SET status = 'VOIDED', settled_at = clock_timestamp()
          FROM ledger.ledger_accounts a
         WHERE h.id = ${hold.id}::uuid AND h.status = 'PENDING' AND h.expires_at > clock_timestamp() AND a.id = h.account_id
        RETURNING h.id::text AS id, a.owner_id::text AS owner_id`);
      if (voided.length === 0) throw notPending();
      await appendOutboxEvent(tx, "ledger", {
        type: "ledger.hold.voided",
        aggregateId: hold.id,
        ...eventContextOf(context),
        payload: {
          holdId: hold.id, accountId: hold.accountId, ownerId: voided[0]!.owner_id,
          amountMinor: String(hold.amountMinor), currency: hold.currency,
        },
      });
    },
  );
  return { holdId: outcome.resultId, replayed: outcome.replayed };
}
