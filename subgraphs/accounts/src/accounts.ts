// Account lifecycle of the accounts domain. The ledger (transactions subgraph) is the authority for
// whether money may move; this service writes there first and records the outcome here, in the ledger's
// order (status_version), so both sides converge whatever the interleaving. See docs/ledger.md.
import { randomUUID } from "node:crypto";
import type { AccountType, AccountStatus } from "../../../kernel/generated/prisma/client.js";
import { Prisma } from "../../../kernel/db.js";
import { isSupportedCurrency } from "../../../kernel/money.js";
import { badUserInput } from "../../../kernel/errors.js";
import { generateAccountNumber } from "./account-number.js";
import type { AccountsDb } from "./db.js";
import type { LedgerAccountState, LedgerClient } from "./ledger-client.js";

export interface OpenAccountInput {
  /** Chosen beforehand when the ledger must know it first; random otherwise. */
  id?: string;
  ownerId: string;
  type: AccountType;
  currency: string;
  overdraftLimitMinor?: bigint;
  openedBy?: string;
  /** Fixed number (seed data); generated otherwise. */
  number?: string;
}

/** Records an account and its first status change in one database transaction (accounts schema only). */
export async function openAccount(db: AccountsDb, input: OpenAccountInput) {
  if (!isSupportedCurrency(input.currency)) throw badUserInput(`Unknown or unsupported currency "${input.currency}"`);
  return db.$transaction(async (tx) => {
    const account = await tx.account.create({
      data: {
        ...(input.id ? { id: input.id } : {}),
        ownerId: input.ownerId,
        type: input.type,
        currency: input.currency,
        overdraftLimitMinor: input.overdraftLimitMinor ?? 0n,
        number: input.number ?? generateAccountNumber(),
      },
    });
    await tx.accountStatusChange.create({
      data: { accountId: account.id, fromStatus: null, toStatus: "ACTIVE", reason: "opened", changedBy: input.openedBy ?? null },
    });
    return account;
  });
}

/**
 * Opens an account usable the moment this returns: the ledger record is written first (the id and number
 * are chosen here, and nobody else knows them until we return), then the account. If the second write
 * fails, the ledger record is closed again (best effort); an orphan left by a crash in between has a zero
 * balance and an id no client was ever given.
 */
export async function openAccountWithLedger(db: AccountsDb, ledger: LedgerClient, input: OpenAccountInput) {
  if (!isSupportedCurrency(input.currency)) throw badUserInput(`Unknown or unsupported currency "${input.currency}"`, { field: "currency" });
  const id = randomUUID();
  const number = input.number ?? generateAccountNumber();
  await ledger.register({
    accountId: id,
    ownerId: input.ownerId,
    number,
    currency: input.currency,
    overdraftLimitMinor: input.overdraftLimitMinor ?? 0n,
  });
  try {
    return await openAccount(db, { ...input, id, number });
  } catch (error) {
    await ledger.setState(id, "CLOSED").catch(() => undefined);
    throw error;
  }
}

/**
 * Records a status the ledger has applied, unless a later ledger change is already recorded: changes are
 * applied in the ledger's order, so concurrent freeze/unfreeze calls converge on the ledger's status.
 */
export async function recordLedgerStatus(
  db: AccountsDb,
  state: LedgerAccountState,
  change: { reason: string; changedBy: string },
) {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ status: AccountStatus; status_version: number }[]>(Prisma.sql`
      SELECT status::text AS status, status_version FROM accounts.accounts WHERE id = ${state.accountId}::uuid FOR UPDATE`);
    const current = rows[0];
    if (current && state.statusVersion > current.status_version) {
      await tx.account.update({
        where: { id: state.accountId },
        data: { status: state.status, statusVersion: state.statusVersion },
      });
      if (current.status !== state.status) {
        await tx.accountStatusChange.create({
          data: { accountId: state.accountId, fromStatus: current.status, toStatus: state.status, reason: change.reason, changedBy: change.changedBy },
        });
      }
    }
    return tx.account.findUniqueOrThrow({ where: { id: state.accountId } });
  });
}
