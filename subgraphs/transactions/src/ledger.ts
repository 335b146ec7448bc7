// Posting money movements to the double-entry ledger: one balanced transaction, its postings with running
// balances, and the new balances, written in one database transaction under the accounts' row locks.
import { randomUUID } from "node:crypto";
import { Prisma } from "../../../kernel/db.js";
import { ErrorCode, badUserInput, domainError } from "../../../kernel/errors.js";
import { appendOutboxEvent } from "../../../kernel/events/outbox.js";
import type { EventActor } from "../../../kernel/events/registry.js";
import { isSupportedCurrency } from "../../../kernel/money.js";
import type { LedgerDb, LedgerTx } from "./db.js";
import type { TransactionView } from "./mappers.js";
import { inLedgerTransaction } from "./retry.js";

export interface Leg {
  accountId: string;
  /** Signed minor units: positive credits, negative debits. */
  amountMinor: bigint;
}

export interface PostTransactionInput {
  /** Chosen by the caller when an idempotency key must name it before it exists; random otherwise. */
  id?: string;
  kind: TransactionView["kind"];
  currency: string;
  legs: Leg[];
  reference?: string | null;
  initiatedBy?: string | null;
  /** For a REVERSAL: the transaction it reverses. */
  reversesId?: string | null;
  /** For a capture: the hold it settles (its own amount no longer counts against availability). */
  holdId?: string | null;
  /**
   * Who caused it and in which request, for the outbox event (docs/events.md). Every GraphQL path passes it;
   * without it no event is written (the demo seed's back-dated history and benchmark ceilings).
   */
  event?: EventContext;
}

/** Actor and request id for outbox events (docs/events.md). */
export interface EventContext {
  actor: EventActor | null;
  requestId: string | null;
}

/** The event context of a GraphQL request. */
export function eventContextOf(context: { caller: { userId: string; role: string; sessionId: string | null } | null; requestId: string }): EventContext {
  const caller = context.caller;
  return {
    actor: caller ? { userId: caller.userId, role: caller.role, sessionId: caller.sessionId } : null,
    requestId: context.requestId,
  };
}

export type LedgerAccountStatus = "ACTIVE" | "FROZEN" | "CLOSED";

export interface LockedAccount {
  id: string;
  kind: "CUSTOMER" | "SETTLEMENT";
  owner_id: string | null;
  currency: string;
  status: LedgerAccountStatus;
  status_version: number;
  balance_minor: bigint;
  overdraft_limit_minor: bigint;
}

/** The bank's settlement account for a currency: the other side of deposits and withdrawals. */
export function settlementAccountId(currency: string): string {
  // Deterministic per currency so every process and the seed agree without a lookup.
  const hex = Buffer.from(currency.padEnd(3, " "), "ascii").toString("hex");
  return `00000000-0000-4000-8000-000000${hex}`;
}

export interface RegisterAccountInput {
  id: string;
  ownerId: string | null;
  currency: string;
  kind: "CUSTOMER" | "SETTLEMENT";
  number?: string | null;
  overdraftLimitMinor?: bigint;
}

/** Creates the ledger's record of an account; a repeated registration of the same account is a no-op. */
export async function registerLedgerAccount(db: LedgerDb, account: RegisterAccountInput) {
  if (!isSupportedCurrency(account.currency)) throw badUserInput(`Unknown or unsupported currency "${account.currency}"`);
  return db.ledgerAccount.upsert({
    where: { id: account.id },
    create: {
      id: account.id,
      ownerId: account.ownerId,
      currency: account.currency,
      kind: account.kind,
      number: account.number ?? null,
      overdraftLimitMinor: account.overdraftLimitMinor ?? 0n,
    },
    update: {},
  });
}

export async function ensureSettlementAccount(db: LedgerDb, currency: string) {
  return registerLedgerAccount(db, { id: settlementAccountId(currency), ownerId: null, currency, kind: "SETTLEMENT" });
}

/** Locks ledger accounts in id order (the one global order, so concurrent postings never deadlock). */
export async function lockAccounts(tx: LedgerTx, ids: string[]): Promise<Map<string, LockedAccount>> {
  const sorted = [...new Set(ids.map((id) => id.toLowerCase()))].sort();
  const rows = await tx.$queryRaw<LockedAccount[]>(Prisma.sql`
    SELECT id::text AS id, kind::text AS kind, owner_id::text AS owner_id, currency, status::text AS status,
           status_version, balance_minor, overdraft_limit_minor
      FROM ledger.ledger_accounts WHERE id = ANY(${sorted}::uuid[]) ORDER BY id FOR UPDATE`);
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Funds reserved by active holds (PENDING and not yet expired) per account, read after the accounts are
 * locked: in READ COMMITTED each statement sees every hold committed before it started, and a new hold
 * needs the same lock, so none can appear until we commit.
 */
export async function activeHolds(tx: LedgerTx, accountIds: string[], excludeHoldId: string | null = null) {
  if (accountIds.length === 0) return new Map<string, bigint>();
  const rows = await tx.$queryRaw<{ account_id: string; held: bigint }[]>(Prisma.sql`
    SELECT account_id::text AS account_id, SUM(amount_minor)::bigint AS held
      FROM ledger.holds
     WHERE account_id = ANY(${accountIds}::uuid[]) AND status = 'PENDING' AND expires_at > clock_timestamp()
       AND id IS DISTINCT FROM ${excludeHoldId}::uuid
     GROUP BY account_id`);
  return new Map(rows.map((row) => [row.account_id, row.held]));
}

/** The rules every debit of a customer account obeys: active, and not below minus its overdraft limit. */
export function checkDebitable(account: LockedAccount) {
  if (account.kind !== "CUSTOMER") return;
  if (account.status === "FROZEN") throw domainError(ErrorCode.ACCOUNT_FROZEN, "The account is frozen: it cannot be debited");
  if (account.status === "CLOSED") throw domainError(ErrorCode.ACCOUNT_CLOSED, "The account is closed");
}

export function checkCreditable(account: LockedAccount) {
  if (account.kind === "CUSTOMER" && account.status === "CLOSED") {
    throw domainError(ErrorCode.ACCOUNT_CLOSED, "The account is closed");
  }
}

export function checkWithinLimit(account: LockedAccount, balanceAfter: bigint, heldMinor: bigint) {
  if (account.kind === "CUSTOMER" && balanceAfter - heldMinor < -account.overdraft_limit_minor) {
    throw domainError(ErrorCode.INSUFFICIENT_FUNDS, "Insufficient funds");
  }
}

/**
 * Posts one balanced transaction inside the caller's database transaction: locks the accounts in id
 * order, checks currencies, statuses and limits (net of active holds), appends the transaction and its
 * postings with running balances, and updates the balances. The database re-checks balance and running
 * balances at commit.
 */
export async function postWithin(tx: LedgerTx, input: PostTransactionInput): Promise<TransactionView> {
  const total = input.legs.reduce((sum, leg) => sum + leg.amountMinor, 0n);
  if (input.legs.length < 2 || total !== 0n) throw badUserInput("A ledger transaction needs balanced legs");
  if (input.legs.some((leg) => leg.amountMinor === 0n)) throw badUserInput("Legs must move a non-zero amount");
  const legs = input.legs.map((leg) => ({ ...leg, accountId: leg.accountId.toLowerCase() }));
  const amountMinor = legs.filter((leg) => leg.amountMinor > 0n).reduce((sum, leg) => sum + leg.amountMinor, 0n);
  const transactionId = input.id ?? randomUUID();

  const locked = await lockAccounts(tx, legs.map((leg) => leg.accountId));
  const balances = new Map<string, bigint>();
  for (const leg of legs) {
    const account = locked.get(leg.accountId);
    if (!account) throw domainError(ErrorCode.NOT_FOUND, "No such account");
    if (account.currency !== input.currency) {
      throw domainError(ErrorCode.CURRENCY_MISMATCH, `The account holds ${account.currency}, not ${input.currency}`);
    }
    balances.set(account.id, account.balance_minor);
  }
  for (const leg of legs) {
    const account = locked.get(leg.accountId)!;
    if (leg.amountMinor < 0n) checkDebitable(account);
    else checkCreditable(account);
  }
  const postings = legs.map((leg) => {
    const after = balances.get(leg.accountId)! + leg.amountMinor;
    balances.set(leg.accountId, after);
    return { ...leg, balanceAfterMinor: after };
  });
  const debited = [...new Set(legs.filter((leg) => leg.amountMinor < 0n).map((leg) => leg.accountId))].filter(
    (id) => locked.get(id)!.kind === "CUSTOMER",
  );
  const held = await activeHolds(tx, debited, input.holdId ?? null);
  for (const id of debited) checkWithinLimit(locked.get(id)!, balances.get(id)!, held.get(id) ?? 0n);

  // One statement for the three writes (fewer round trips while the accounts are locked). The postings'
  // foreign key to the transaction is checked at the end of the statement, after both inserts.
  const [created] = await tx.$queryRaw<{ created_at: Date }[]>(Prisma.sql`
    WITH txn AS (
      INSERT INTO ledger.transactions (id, kind, currency, amount_minor, reference, initiated_by, reverses_id, hold_id, created_at)
      VALUES (${transactionId}::uuid, ${input.kind}::ledger."TransactionKind", ${input.currency}, ${amountMinor},
              ${input.reference ?? null}, ${input.initiatedBy ?? null}::uuid, ${input.reversesId ?? null}::uuid,
              ${input.holdId ?? null}::uuid, clock_timestamp())
      RETURNING id, created_at
    ), legs AS (
      INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, created_at)
      SELECT txn.id, leg.account_id, ${input.currency}, leg.amount_minor, leg.balance_after, txn.created_at
        FROM txn, unnest(${postings.map((p) => p.accountId)}::uuid[], ${postings.map((p) => String(p.amountMinor))}::bigint[],
                         ${postings.map((p) => String(p.balanceAfterMinor))}::bigint[]) WITH ORDINALITY
             AS leg(account_id, amount_minor, balance_after, ord)
       ORDER BY leg.ord
    ), balances AS (
      UPDATE ledger.ledger_accounts a SET balance_minor = b.balance
        FROM unnest(${[...balances.keys()]}::uuid[], ${[...balances.values()].map(String)}::bigint[]) AS b(id, balance)
       WHERE a.id = b.id
    )
    SELECT created_at FROM txn`);
  const createdAt = created!.created_at;
  if (input.event) await appendPostedEvent(tx, input, transactionId, amountMinor, legs, locked, createdAt, input.event);
  return {
    id: transactionId,
    kind: input.kind,
    currency: input.currency,
    amountMinor,
    reference: input.reference ?? null,
    reversesId: input.reversesId ?? null,
    createdAt,
  };
}

/**
 * The outbox event of a posted transaction, written in its database transaction after the accounts are
 * locked (docs/events.md). Transfers and reversals have one debited and one credited account; deposits and
 * withdrawals name the customer's account (the other side is the bank's settlement account).
 */
async function appendPostedEvent(
  tx: LedgerTx,
  input: PostTransactionInput,
  transactionId: string,
  amountMinor: bigint,
  legs: Leg[],
  locked: Map<string, LockedAccount>,
  postedAt: Date,
  context: EventContext,
) {
  const meta = { aggregateId: transactionId, actor: context.actor, requestId: context.requestId };
  const amount = { amountMinor: String(amountMinor), currency: input.currency };
  const from = legs.find((leg) => leg.amountMinor < 0n)!.accountId;
  const to = legs.find((leg) => leg.amountMinor > 0n)!.accountId;
  const owner = (id: string) => locked.get(id)?.owner_id ?? null;
  const sides = { fromAccountId: from, fromOwnerId: owner(from), toAccountId: to, toOwnerId: owner(to) };
  const postedAtIso = postedAt.toISOString();
  if (input.kind === "DEPOSIT" || input.kind === "WITHDRAWAL") {
    const accountId = input.kind === "DEPOSIT" ? to : from;
    const type = input.kind === "DEPOSIT" ? "ledger.deposit.posted" : "ledger.withdrawal.posted";
    await appendOutboxEvent(tx, "ledger", {
      type, ...meta,
      payload: { transactionId, accountId, ownerId: owner(accountId), ...amount, postedAt: postedAtIso },
    });
  } else if (input.kind === "REVERSAL") {
    await appendOutboxEvent(tx, "ledger", {
      type: "ledger.reversal.posted", ...meta,
      payload: { transactionId, ...sides, ...amount, postedAt: postedAtIso, reversedTransactionId: input.reversesId! },
    });
  } else {
    await appendOutboxEvent(tx, "ledger", {
      type: "ledger.transfer.posted", ...meta,
      payload: { transactionId, ...sides, ...amount, postedAt: postedAtIso },
    });
  }
}

/** Posts one balanced transaction in its own database transaction (seed, tests, the benchmark's ceiling). */
export async function postTransaction(db: LedgerDb, input: PostTransactionInput): Promise<TransactionView> {
  const id = input.id ?? randomUUID();
  return inLedgerTransaction(db, (tx) => postWithin(tx, { ...input, id }));
}
