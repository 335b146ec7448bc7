// The double-entry ledger's accounts and its generic posting: one balanced transaction, its postings with
// versions and running balances, and the new balances, written by the SQL function ledger.post_legs under
// the accounts' row locks (migration 20261207150000_ledger_database_guarantees). The money movements of the
// API each have their own SQL function (movements.ts, holds.ts).
import { randomUUID } from "node:crypto";
import { Prisma } from "#kernel/db.js";
import { badUserInput } from "#kernel/errors.js";
import type { EventActor } from "#kernel/events/registry.js";
import { isSupportedCurrency } from "#domain/money.js";
import type { LedgerDb, LedgerTx } from "./db.js";
import { ledgerRefusal } from "./ledger-sql.js";
import type { TransactionView } from "./mappers.js";

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

/**
 * One of the bank's settlement accounts for a currency: the other side of deposits and withdrawals, spread
 * over several rows so cash movements do not queue on one row lock. The SQL functions
 * `ledger.settlement_shards()` and `ledger.settlement_account_id` are the source of truth; this computes the
 * same ids for code that needs one without a query (shard 0 by default).
 */
export function settlementAccountId(currency: string, shard = 0): string {
  // Deterministic per currency and shard so every process and the seed agree without a lookup.
  const hex = Buffer.from(currency.padEnd(3, " "), "ascii").toString("hex");
  return `00000000-0000-4000-80${shard.toString(16).padStart(2, "0")}-000000${hex}`;
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

/** Registers every settlement shard of a currency (idempotent). */
export async function ensureSettlementAccount(db: LedgerDb, currency: string): Promise<void> {
  if (!isSupportedCurrency(currency)) throw badUserInput(`Unknown or unsupported currency "${currency}"`);
  await db.$executeRaw(Prisma.sql`
    INSERT INTO ledger.ledger_accounts (id, kind, currency)
    SELECT ledger.settlement_account_id(${currency}, shard), 'SETTLEMENT', ${currency}
      FROM generate_series(0, ledger.settlement_shards() - 1) AS shard
    ON CONFLICT (id) DO NOTHING`);
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
export async function activeHolds(tx: LedgerTx, accountIds: string[]) {
  if (accountIds.length === 0) return new Map<string, bigint>();
  const rows = await tx.$queryRaw<{ account_id: string; held: bigint }[]>(Prisma.sql`
    SELECT account_id::text AS account_id, SUM(amount_minor)::bigint AS held
      FROM ledger.holds
     WHERE account_id = ANY(${accountIds}::uuid[]) AND status = 'PENDING' AND expires_at > clock_timestamp()
     GROUP BY account_id`);
  return new Map(rows.map((row) => [row.account_id, row.held]));
}

/**
 * Posts one balanced transaction in its own database transaction with ledger.post_legs (every rule checked by
 * the database; no idempotency key and no event): the demo seed's history and the test builders.
 */
export async function postTransaction(db: LedgerDb, input: PostTransactionInput): Promise<TransactionView> {
  const id = input.id ?? randomUUID();
  const legs = input.legs.map((leg) => ({ accountId: leg.accountId.toLowerCase(), amountMinor: leg.amountMinor }));
  const amountMinor = legs.filter((leg) => leg.amountMinor > 0n).reduce((sum, leg) => sum + leg.amountMinor, 0n);
  try {
    const [row] = await db.$queryRaw<{ posted_at: Date }[]>(Prisma.sql`
      SELECT ledger.post_legs(${id}::uuid, ${input.kind}::ledger."TransactionKind", ${input.currency},
                              ${legs.map((leg) => leg.accountId)}::uuid[], ${legs.map((leg) => String(leg.amountMinor))}::bigint[],
                              ${input.reference ?? null}, ${input.initiatedBy ?? null}::uuid, ${input.reversesId ?? null}::uuid, NULL) AS posted_at`);
    return {
      id, kind: input.kind, currency: input.currency, amountMinor, reference: input.reference ?? null,
      reversesId: input.reversesId ?? null, createdAt: row!.posted_at,
    };
  } catch (error) {
    throw ledgerRefusal(driverError(error)) ?? error;
  }
}

/** The Postgres error under Prisma's driver-adapter wrapping (code, hint and constraint as pg reports them). */
function driverError(error: unknown): unknown {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: Record<string, unknown> } } })?.meta?.driverAdapterError?.cause;
  if (!cause) return error;
  return { code: cause.originalCode, hint: cause.hint, message: cause.originalMessage ?? cause.message, constraint: cause.constraint };
}
