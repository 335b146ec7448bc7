// Account lifecycle of the accounts domain. The ledger (transactions subgraph) is the authority for
// whether money may move; this service writes there first and records the outcome here, in the ledger's
// order (status_version), so both sides converge whatever the interleaving. See docs/ledger.md.
import { randomUUID } from "node:crypto";
import type { AccountType, AccountStatus } from "#kernel/generated/prisma/client.js";
import { Prisma } from "#kernel/db.js";
import { isSupportedCurrency } from "#domain/money.js";
import { badUserInput } from "#kernel/errors.js";
import { appendOutboxEvent } from "#domain/events.js";
import type { EventActor } from "#kernel/events/registry.js";
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
  /** Actor and request of the outbox event (docs/events.md); GraphQL paths pass it, the demo seed does not (no event). */
  event?: AccountEventContext;
}

export interface AccountEventContext {
  actor: EventActor | null;
  requestId: string | null;
}

/** The event context of a GraphQL request. */
export function accountEventContext(context: { caller: { userId: string; role: string; sessionId: string | null } | null; requestId: string }): AccountEventContext {
  const caller = context.caller;
  return { actor: caller ? { userId: caller.userId, role: caller.role, sessionId: caller.sessionId } : null, requestId: context.requestId };
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
    if (input.event) {
      await appendOutboxEvent(tx, "accounts", {
        type: "accounts.account.opened",
        aggregateId: account.id,
        actor: input.event.actor,
        requestId: input.event.requestId,
        payload: { accountId: account.id, ownerId: account.ownerId, accountType: account.type, currency: account.currency },
      });
    }
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
  change: { reason: string; changedBy: string; event?: AccountEventContext },
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
        const type =
          state.status === "FROZEN" ? "accounts.account.frozen"
          : state.status === "CLOSED" ? "accounts.account.closed"
          : current.status === "FROZEN" ? "accounts.account.unfrozen"
          : null;
        if (type) {
          const { ownerId } = await tx.account.findUniqueOrThrow({ where: { id: state.accountId }, select: { ownerId: true } });
          await appendOutboxEvent(tx, "accounts", {
            type,
            aggregateId: state.accountId,
            actor: change.event?.actor ?? null,
            requestId: change.event?.requestId ?? null,
            payload: { accountId: state.accountId, ownerId },
          });
        }
      }
    }
    return tx.account.findUniqueOrThrow({ where: { id: state.accountId } });
  });
}
