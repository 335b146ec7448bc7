// Posting money movements to the double-entry ledger. The full money-movement API (transfers with
// idempotency keys, holds, reversals, overdrafts) is built on this in the ledger issue.
import { randomUUID } from "node:crypto";
import { Prisma } from "../../../kernel/db.js";
import { ErrorCode, badUserInput, domainError } from "../../../kernel/errors.js";
import { isSupportedCurrency } from "../../../kernel/money.js";
import type { LedgerDb } from "./db.js";
import type { TransactionView } from "./mappers.js";

export interface Leg {
  accountId: string;
  /** Signed minor units: positive credits, negative debits. */
  amountMinor: bigint;
}

export interface PostTransactionInput {
  kind: TransactionView["kind"];
  currency: string;
  legs: Leg[];
  reference?: string | null;
  initiatedBy?: string | null;
}

interface LockedAccount {
  id: string;
  kind: "CUSTOMER" | "SETTLEMENT";
  currency: string;
  balance_minor: bigint;
}

/** The bank's settlement account for a currency: the other side of deposits and withdrawals. */
export function settlementAccountId(currency: string): string {
  // Deterministic per currency so every process and the seed agree without a lookup.
  const hex = Buffer.from(currency.padEnd(3, " "), "ascii").toString("hex");
  return `00000000-0000-4000-8000-000000${hex}`;
}

export async function registerLedgerAccount(
  db: LedgerDb,
  account: { id: string; ownerId: string | null; currency: string; kind: "CUSTOMER" | "SETTLEMENT" },
) {
  if (!isSupportedCurrency(account.currency)) throw badUserInput(`Unknown or unsupported currency "${account.currency}"`);
  return db.ledgerAccount.upsert({
    where: { id: account.id },
    create: { id: account.id, ownerId: account.ownerId, currency: account.currency, kind: account.kind },
    update: {},
  });
}

export async function ensureSettlementAccount(db: LedgerDb, currency: string) {
  return registerLedgerAccount(db, { id: settlementAccountId(currency), ownerId: null, currency, kind: "SETTLEMENT" });
}

/**
 * Posts one balanced transaction atomically: locks the accounts in id order (no deadlocks between
 * concurrent postings), checks currencies and that no customer account goes below zero, appends the
 * transaction and its postings with running balances, and updates the balances, all in one database
 * transaction. The database re-checks the balance of the postings at commit.
 */
export async function postTransaction(db: LedgerDb, input: PostTransactionInput): Promise<TransactionView> {
  const total = input.legs.reduce((sum, leg) => sum + leg.amountMinor, 0n);
  if (input.legs.length < 2 || total !== 0n) throw badUserInput("A ledger transaction needs balanced legs");
  if (input.legs.some((leg) => leg.amountMinor === 0n)) throw badUserInput("Legs must move a non-zero amount");
  const amountMinor = input.legs.filter((leg) => leg.amountMinor > 0n).reduce((sum, leg) => sum + leg.amountMinor, 0n);
  const accountIds = [...new Set(input.legs.map((leg) => leg.accountId))].sort();
  const transactionId = randomUUID();

  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<LockedAccount[]>(Prisma.sql`
      SELECT id::text AS id, kind::text AS kind, currency, balance_minor
        FROM ledger.ledger_accounts WHERE id = ANY(${accountIds}::uuid[]) ORDER BY id FOR UPDATE`);
    const byId = new Map(locked.map((account) => [account.id, account]));
    const balances = new Map<string, bigint>();
    for (const id of accountIds) {
      const account = byId.get(id);
      if (!account) throw domainError(ErrorCode.NOT_FOUND, `No ledger account ${id}`);
      if (account.currency !== input.currency) {
        throw domainError("CURRENCY_MISMATCH" as ErrorCode, `Account ${id} holds ${account.currency}, not ${input.currency}`);
      }
      balances.set(id, account.balance_minor);
    }
    const postings = input.legs.map((leg) => {
      const after = (balances.get(leg.accountId) ?? 0n) + leg.amountMinor;
      balances.set(leg.accountId, after);
      return { ...leg, balanceAfterMinor: after };
    });
    for (const [id, balance] of balances) {
      if (byId.get(id)?.kind === "CUSTOMER" && balance < 0n) {
        throw domainError("INSUFFICIENT_FUNDS" as ErrorCode, "Insufficient funds");
      }
    }
    const [created] = await tx.$queryRaw<{ created_at: Date }[]>(Prisma.sql`
      INSERT INTO ledger.transactions (id, kind, currency, amount_minor, reference, initiated_by, created_at)
      VALUES (${transactionId}::uuid, ${input.kind}::ledger."TransactionKind", ${input.currency}, ${amountMinor},
              ${input.reference ?? null}, ${input.initiatedBy ?? null}::uuid, clock_timestamp())
      RETURNING created_at`);
    const createdAt = created!.created_at;
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, created_at)
      SELECT ${transactionId}::uuid, leg.account_id, ${input.currency}, leg.amount_minor, leg.balance_after, ${createdAt}
        FROM unnest(${postings.map((p) => p.accountId)}::uuid[], ${postings.map((p) => String(p.amountMinor))}::bigint[],
                    ${postings.map((p) => String(p.balanceAfterMinor))}::bigint[]) WITH ORDINALITY
             AS leg(account_id, amount_minor, balance_after, ord)
       ORDER BY leg.ord`);
    await tx.$executeRaw(Prisma.sql`
      UPDATE ledger.ledger_accounts a SET balance_minor = b.balance
        FROM unnest(${[...balances.keys()]}::uuid[], ${[...balances.values()].map(String)}::bigint[]) AS b(id, balance)
       WHERE a.id = b.id`);
    return {
      id: transactionId,
      kind: input.kind,
      currency: input.currency,
      amountMinor,
      reference: input.reference ?? null,
      createdAt,
    };
  });
}
