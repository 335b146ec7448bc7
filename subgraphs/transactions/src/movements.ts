// Deposits, withdrawals, transfers and reversals: validated here, then each posted by ONE call of its SQL
// function (ledger-sql.ts; the rules themselves are in migration 20261207150000_ledger_database_guarantees).
import { randomUUID } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";
import { GraphQLError } from "graphql";
import { requireCaller, requireRole } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { ErrorCode, domainError } from "#kernel/errors.js";
import { auditRecordCommitted } from "#domain/audit-trail.js";
import { appendOutboxEvent } from "#domain/events.js";
import type { TransactionsContext } from "./context.js";
import { checkIdempotencyKey, fingerprint } from "./idempotency.js";
import { eventContextOf } from "./ledger.js";
import { callLedger, prepareOutboxRows } from "./ledger-sql.js";
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

/** The row every posting function returns. */
/** What a posting function returns: the transaction's id, whether it was a replay, its posting time. */
export interface PostedRow {
  transaction_id: string;
  replayed: boolean;
  posted_at: Date | null;
}

/** A placeholder the SQL function replaces with the time it decides (posting or expiry). */
export const decidedByDatabase = () => new Date().toISOString();

/** The result of a posting function: the transaction as just posted, or (replay) only its id. */
export function movementResult(row: PostedRow, view: Omit<TransactionView, "id" | "createdAt">): MovementResult {
  if (row.replayed || !row.posted_at) return { transactionId: row.transaction_id, transaction: null, replayed: true };
  // The function committed the rows it was given, this mutation's audit record among them.
  auditRecordCommitted();
  return { transactionId: row.transaction_id, transaction: { ...view, id: row.transaction_id, createdAt: row.posted_at }, replayed: false };
}

/** Teller cash: a deposit credits the customer and debits one of the bank's settlement shards; a withdrawal the opposite. */
export async function moveCash(context: TransactionsContext, direction: "deposit" | "withdraw", input: CashInput): Promise<MovementResult> {
  const caller = requireRole(context.caller, ["TELLER", "ADMIN"]);
  const account = await findCustomerAccount(context, { id: input.accountId, number: input.accountNumber }, "account");
  const amountMinor = parseMovementAmount(input.amount, account.currency);
  const reference = normaliseReference(input.reference);
  const key = checkIdempotencyKey(input.idempotencyKey);
  const id = randomUUID();
  const print = fingerprint(direction, { account: account.id, amount: String(amountMinor), currency: account.currency, reference });
  const events = await prepareOutboxRows([{
    type: direction === "deposit" ? "ledger.deposit.posted" : "ledger.withdrawal.posted",
    aggregateId: id,
    ...eventContextOf(context),
    payload: {
      transactionId: id, accountId: account.id, ownerId: account.ownerId, amountMinor: String(amountMinor),
      currency: account.currency, postedAt: decidedByDatabase(),
    },
  }]);
  const row = await callLedger<PostedRow>(context.pool, `SELECT * FROM ledger.${direction}($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    caller.userId, key, print, id, account.id, account.currency, String(amountMinor), reference, events,
  ]);
  return movementResult(row, {
    kind: direction === "deposit" ? "DEPOSIT" : "WITHDRAWAL", currency: account.currency, amountMinor, reference, reversesId: null,
  });
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
    // The payee's currency is not named: a guessed number must not reveal anything about the account.
    throw domainError(ErrorCode.CURRENCY_MISMATCH, `The destination account does not accept ${from.currency}`);
  }
  const amountMinor = parseMovementAmount(input.amount, from.currency);
  const reference = normaliseReference(input.reference);
  return { caller, from, to, amountMinor, reference, currency: from.currency };
}

export async function transferFunds(context: TransactionsContext, input: TransferRequest): Promise<MovementResult> {
  const { caller, from, to, amountMinor, reference, currency } = await resolveTransfer(context, input);
  const key = checkIdempotencyKey(input.idempotencyKey);
  const id = randomUUID();
  const print = fingerprint("transfer", { from: from.id, to: to.id, amount: String(amountMinor), currency, reference });
  const events = await prepareOutboxRows([{
    type: "ledger.transfer.posted",
    aggregateId: id,
    ...eventContextOf(context),
    payload: {
      transactionId: id, fromAccountId: from.id, fromOwnerId: from.ownerId, toAccountId: to.id, toOwnerId: to.ownerId,
      amountMinor: String(amountMinor), currency, postedAt: decidedByDatabase(),
    },
  }]);
  try {
    const row = await callLedger<PostedRow>(context.pool, "SELECT * FROM ledger.transfer($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", [
      caller.userId, key, print, id, from.id, to.id, currency, String(amountMinor), reference, events,
    ]);
    return movementResult(row, { kind: "TRANSFER", currency, amountMinor, reference, reversesId: null });
  } catch (error) {
    await recordRefusedTransfer(context, error, { fromAccountId: from.id, fromOwnerId: from.ownerId, toAccountId: to.id, amountMinor, currency });
    throw error;
  }
}

const REFUSAL_REASONS = [ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.ACCOUNT_FROZEN, ErrorCode.ACCOUNT_CLOSED] as const;

/**
 * Runs a function outside every async-local context of the request (captured at module load, where there is
 * none). The audit trail (domain/audit-trail.ts) treats an outbox write inside a mutation's scope as that
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
  const key = checkIdempotencyKey(input.idempotencyKey);
  const postings = await context.loaders.postingsByTransaction.load(original.id);
  // The reversal's sides: it debits the account the original credited, and credits the one it debited.
  const debited = postings.find((posting) => posting.amountMinor > 0n)!;
  const credited = postings.find((posting) => posting.amountMinor < 0n)!;
  const id = randomUUID();
  const events = await prepareOutboxRows([{
    type: "ledger.reversal.posted",
    aggregateId: id,
    ...eventContextOf(context),
    payload: {
      transactionId: id, fromAccountId: debited.accountId, fromOwnerId: debited.ownerId ?? null,
      toAccountId: credited.accountId, toOwnerId: credited.ownerId ?? null,
      amountMinor: String(original.amountMinor), currency: original.currency, postedAt: decidedByDatabase(),
      reversedTransactionId: original.id,
    },
  }]);
  const row = await callLedger<PostedRow>(context.pool, "SELECT * FROM ledger.reverse_transaction($1, $2, $3, $4, $5, $6, $7)", [
    caller.userId, key, fingerprint("reverse", { transaction: original.id, reason }), id, original.id, reason, events,
  ]);
  return movementResult(row, { kind: "REVERSAL", currency: original.currency, amountMinor: original.amountMinor, reference: reason, reversesId: original.id });
}
