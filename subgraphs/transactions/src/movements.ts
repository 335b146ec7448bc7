// Deposits, withdrawals, transfers and reversals: validated here, posted by `postWithin` under an
// idempotency key, in one database transaction each.
import { AsyncLocalStorage } from "node:async_hooks";
import { GraphQLError } from "graphql";
import { requireCaller, requireRole } from "../../../kernel/authz.js";
import { isUuid } from "../../../kernel/batch.js";
import { ErrorCode, domainError } from "../../../kernel/errors.js";
import { Prisma } from "../../../kernel/db.js";
import { appendOutboxEvent } from "../../../kernel/events/outbox.js";
import type { TransactionsContext } from "./context.js";
import { runIdempotent } from "./idempotency.js";
import { eventContextOf, postWithin, settlementAccountId } from "./ledger.js";
import { findCustomerAccount, findOwnAccount, normaliseReference, parseMovementAmount } from "./lookup.js";
import type { TransactionView } from "./mappers.js";

export interface MovementResult {
  transactionId: string;
  transaction: TransactionView | null;
  replayed: boolean;
}

export interface CashInput {
  accountId?: string | null;
  accountNumber?: string | null;
  amount: string;
  reference?: string | null;
  idempotencyKey: string;
}

export interface TransferRequest {
  fromAccountId: string;
  toAccountId?: string | null;
  toAccountNumber?: string | null;
  amount: string;
  reference?: string | null;
  idempotencyKey: string;
}

/** Teller cash: a deposit credits the customer and debits the bank's settlement account; a withdrawal the opposite. */
export async function moveCash(context: TransactionsContext, direction: "deposit" | "withdraw", input: CashInput): Promise<MovementResult> {
  const caller = requireRole(context.caller, ["TELLER", "ADMIN"]);
  const account = await findCustomerAccount(context, { id: input.accountId, number: input.accountNumber }, "account");
  const amountMinor = parseMovementAmount(input.amount, account.currency);
  const reference = normaliseReference(input.reference);
  const sign = direction === "deposit" ? 1n : -1n;
  const outcome = await runIdempotent(
    context.db,
    {
      callerId: caller.userId,
      key: input.idempotencyKey,
      operation: direction,
      input: { account: account.id, amount: String(amountMinor), currency: account.currency, reference },
    },
    (tx, id) =>
      postWithin(tx, {
        id,
        kind: direction === "deposit" ? "DEPOSIT" : "WITHDRAWAL",
        currency: account.currency,
        reference,
        initiatedBy: caller.userId,
        event: eventContextOf(context),
        legs: [
          { accountId: account.id, amountMinor: sign * amountMinor },
          { accountId: settlementAccountId(account.currency), amountMinor: -sign * amountMinor },
        ],
      }),
  );
  return { transactionId: outcome.resultId, transaction: outcome.value ?? null, replayed: outcome.replayed };
}

/** Validated parties of a transfer (or of a hold, its two-phase form). */
export async function resolveTransfer(context: TransactionsContext, input: TransferRequest) {
  const caller = requireCaller(context.caller);
  // Both look-ups in one batch (one SELECT); errors are reported source first.
  const [fromResult, toResult] = await Promise.allSettled([
    findOwnAccount(context, { id: input.fromAccountId }, "fromAccount"),
    findCustomerAccount(context, { id: input.toAccountId, number: input.toAccountNumber }, "toAccount"),
  ]);
  if (fromResult.status === "rejected") throw fromResult.reason;
  if (toResult.status === "rejected") throw toResult.reason;
  const from = fromResult.value;
  const to = toResult.value;
  if (from.id === to.id) throw domainError(ErrorCode.SAME_ACCOUNT, "The source and destination accounts are the same");
  if (from.currency !== to.currency) {
    throw domainError(ErrorCode.CURRENCY_MISMATCH, `Cannot move ${from.currency} to an account held in ${to.currency}`);
  }
  const amountMinor = parseMovementAmount(input.amount, from.currency);
  const reference = normaliseReference(input.reference);
  return { caller, from, to, amountMinor, reference, currency: from.currency };
}

export async function transferFunds(context: TransactionsContext, input: TransferRequest): Promise<MovementResult> {
  const { caller, from, to, amountMinor, reference, currency } = await resolveTransfer(context, input);
  const outcome = await runIdempotent(
    context.db,
    {
      callerId: caller.userId,
      key: input.idempotencyKey,
      operation: "transfer",
      input: { from: from.id, to: to.id, amount: String(amountMinor), currency, reference },
    },
    (tx, id) =>
      postWithin(tx, {
        id,
        kind: "TRANSFER",
        currency,
        reference,
        initiatedBy: caller.userId,
        event: eventContextOf(context),
        legs: [
          { accountId: from.id, amountMinor: -amountMinor },
          { accountId: to.id, amountMinor },
        ],
      }),
  ).catch(async (error: unknown) => {
    await recordRefusedTransfer(context, error, { fromAccountId: from.id, fromOwnerId: from.ownerId, toAccountId: to.id, amountMinor, currency });
    throw error;
  });
  return { transactionId: outcome.resultId, transaction: outcome.value ?? null, replayed: outcome.replayed };
}

const REFUSAL_REASONS = [ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.ACCOUNT_FROZEN, ErrorCode.ACCOUNT_CLOSED] as const;

/**
 * Runs a function outside every async-local context of the request (captured at module load, where there is
 * none). The audit trail (kernel/audit-trail.ts) treats an outbox write inside a mutation's scope as that
 * mutation's committed change; the record of a refusal is not one, so it is written outside the scope and
 * the refused transfer keeps its FAILURE audit record.
 */
const outsideRequestContext = AsyncLocalStorage.snapshot();

/**
 * A valid transfer the ledger refused leaves no posting, so reporting learns of it from a
 * `ledger.transfer.failed` event, written in its own small transaction after the refused one rolled back.
 * Best effort: failing to record it must not hide the refusal from the caller.
 */
async function recordRefusedTransfer(
  context: TransactionsContext,
  error: unknown,
  transfer: { fromAccountId: string; fromOwnerId: string | null; toAccountId: string; amountMinor: bigint; currency: string },
): Promise<void> {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  const reason = REFUSAL_REASONS.find((candidate) => candidate === code);
  if (!reason) return;
  const { actor, requestId } = eventContextOf(context);
  try {
    const payload = { ...transfer, amountMinor: String(transfer.amountMinor), reason, failedAt: new Date().toISOString() };
    await outsideRequestContext(() =>
      context.db.$transaction((tx) =>
        appendOutboxEvent(tx, "ledger", { type: "ledger.transfer.failed", aggregateId: transfer.fromAccountId, actor, requestId, payload }),
      ),
    );
  } catch (recordError) {
    context.log.warn({ err: recordError }, "could not record a refused transfer for reporting");
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const text = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})) + String(error);
  return text.includes(constraint) || (text.includes("23505") && text.includes("reverses_id"));
}

/** Admin: posts the exact opposite of every posting of a transaction, once. */
export async function reverseTransaction(
  context: TransactionsContext,
  input: { id: string; reason: string; idempotencyKey: string },
): Promise<MovementResult> {
  const caller = requireRole(context.caller, ["ADMIN"]);
  const original = isUuid(input.id) ? await context.loaders.transactionById.load(input.id) : null;
  if (!original) throw domainError(ErrorCode.NOT_FOUND, "No such transaction");
  if (original.kind === "REVERSAL") throw domainError(ErrorCode.INVALID_STATE, "A reversal cannot itself be reversed");
  const reason = normaliseReference(input.reason);
  if (!reason) throw domainError(ErrorCode.BAD_USER_INPUT, "A reason is required", { field: "reason" });
  const postings = await context.loaders.postingsByTransaction.load(original.id);
  try {
    const outcome = await runIdempotent(
      context.db,
      { callerId: caller.userId, key: input.idempotencyKey, operation: "reverse", input: { transaction: original.id, reason } },
      async (tx, id) => {
        const [already] = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
          SELECT id::text AS id FROM ledger.transactions WHERE reverses_id = ${original.id}::uuid`);
        if (already) throw domainError(ErrorCode.ALREADY_REVERSED, "The transaction has already been reversed");
        return postWithin(tx, {
          id,
          kind: "REVERSAL",
          currency: original.currency,
          reference: reason,
          initiatedBy: caller.userId,
          event: eventContextOf(context),
          reversesId: original.id,
          legs: postings.map((posting) => ({ accountId: posting.accountId, amountMinor: -posting.amountMinor })),
        });
      },
    );
    return { transactionId: outcome.resultId, transaction: outcome.value ?? null, replayed: outcome.replayed };
  } catch (error) {
    // Two reversals racing: the second waits on the first's lock, then hits the unique reverses_id.
    if (isUniqueViolation(error, "transactions_reverses_id_key")) {
      throw domainError(ErrorCode.ALREADY_REVERSED, "The transaction has already been reversed");
    }
    throw error;
  }
}
