// The ledger's record of each customer account's lifecycle state, written by the accounts service through
// internal (@inaccessible) mutations before its own lifecycle mutations return. Every debit reads the
// status under the account's row lock, and a status change takes the same lock: a freeze waits for
// in-flight debits, and every debit that starts after it returns sees FROZEN.
import { isValidAccountNumber, normaliseAccountNumber } from "#domain/account-number.js";
import { BANKING_STAFF, mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { Prisma } from "#kernel/db.js";
import { ErrorCode, badUserInput, domainError, forbidden } from "#kernel/errors.js";
import { isSupportedCurrency } from "#domain/money.js";
import type { TransactionsContext } from "./context.js";
import { activeHolds, ensureSettlementAccount, lockAccounts, registerLedgerAccount, type LedgerAccountStatus } from "./ledger.js";
import { inLedgerTransaction } from "./retry.js";

export interface LedgerAccountStateView {
  accountId: string;
  status: LedgerAccountStatus;
  statusVersion: number;
}

const STATUSES: readonly LedgerAccountStatus[] = ["ACTIVE", "FROZEN", "CLOSED"];

export async function registerCustomerAccount(
  context: TransactionsContext,
  input: { accountId: string; ownerId: string; number: string; currency: string; overdraftLimitMinor: string },
): Promise<LedgerAccountStateView> {
  const caller = requireCaller(context.caller);
  if (!isUuid(input.accountId) || !isUuid(input.ownerId)) throw badUserInput("accountId and ownerId must be UUIDs");
  // The caller must be allowed the outer operation: open an account for this owner.
  if (!mayAccessCustomerData(caller, input.ownerId)) throw forbidden("You may only open accounts for yourself");
  if (!/^\d{1,18}$/.test(input.overdraftLimitMinor)) throw badUserInput("overdraftLimitMinor must be a non-negative integer");
  const overdraftLimitMinor = BigInt(input.overdraftLimitMinor);
  if (overdraftLimitMinor > 0n && !BANKING_STAFF.has(caller.role)) throw forbidden("Only staff may grant an overdraft");
  if (!isValidAccountNumber(input.number)) throw domainError(ErrorCode.INVALID_ACCOUNT_NUMBER, "Invalid account number");
  if (!isSupportedCurrency(input.currency)) throw badUserInput(`Unknown or unsupported currency "${input.currency}"`);
  await ensureSettlementAccount(context.db, input.currency);
  const row = await registerLedgerAccount(context.db, {
    id: input.accountId.toLowerCase(),
    ownerId: input.ownerId.toLowerCase(),
    number: normaliseAccountNumber(input.number),
    currency: input.currency,
    kind: "CUSTOMER",
    overdraftLimitMinor,
  });
  if (row.ownerId !== input.ownerId.toLowerCase() || row.currency !== input.currency) {
    throw domainError(ErrorCode.INVALID_STATE, "The account is already registered differently");
  }
  return { accountId: row.id, status: row.status, statusVersion: row.statusVersion };
}

/**
 * Sets a customer account's status under its row lock. Freezing and unfreezing are for staff; closing is
 * for the owner or staff and needs a zero balance and no active hold. Setting the current status again
 * changes nothing (a retry after a partial failure converges).
 */
export async function setAccountState(context: TransactionsContext, accountId: string, status: string): Promise<LedgerAccountStateView> {
  const caller = requireCaller(context.caller);
  if (!STATUSES.includes(status as LedgerAccountStatus)) throw badUserInput(`Unknown status "${status}"`);
  const target = status as LedgerAccountStatus;
  if (!isUuid(accountId)) throw domainError(ErrorCode.NOT_FOUND, "No such account");
  return inLedgerTransaction(context.db, async (tx) => {
    const account = (await lockAccounts(tx, [accountId])).get(accountId.toLowerCase());
    if (!account || account.kind !== "CUSTOMER" || !account.owner_id || !mayAccessCustomerData(caller, account.owner_id)) {
      throw domainError(ErrorCode.NOT_FOUND, "No such account");
    }
    if (target !== "CLOSED" && !BANKING_STAFF.has(caller.role)) throw forbidden("Only staff may freeze or unfreeze accounts");
    const current = { accountId: account.id, status: account.status, statusVersion: account.status_version };
    if (account.status === target) return current;
    if (account.status === "CLOSED") throw domainError(ErrorCode.INVALID_STATE, "The account is closed");
    if (target === "CLOSED") {
      const held = (await activeHolds(tx, [account.id])).get(account.id) ?? 0n;
      if (account.balance_minor !== 0n || held !== 0n) {
        throw domainError(ErrorCode.ACCOUNT_NOT_EMPTY, "Only an account with a zero balance and no pending holds can be closed");
      }
    }
    const [updated] = await tx.$queryRaw<{ status_version: number }[]>(Prisma.sql`
      UPDATE ledger.ledger_accounts SET status = ${target}::ledger."LedgerAccountStatus", status_version = status_version + 1
       WHERE id = ${account.id}::uuid RETURNING status_version`);
    return { accountId: account.id, status: target, statusVersion: updated!.status_version };
  });
}
