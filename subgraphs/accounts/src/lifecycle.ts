// Resolver-side rules of the account lifecycle: who may do what, and the not-yours-looks-unknown rule.
import { BANKING_STAFF, mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { ErrorCode, badUserInput, domainError } from "#kernel/errors.js";
import type { Account } from "#kernel/generated/prisma/client.js";
import { accountEventContext, recordLedgerStatus } from "./accounts.js";
import type { AccountsContext } from "./context.js";
import type { LedgerAccountState } from "./ledger-client.js";

/** An account the caller may act on (own, or any for staff); anything else is NOT_FOUND. */
export async function findActionableAccount(context: AccountsContext, id: string): Promise<Account> {
  const caller = requireCaller(context.caller);
  const account = isUuid(id) ? await context.loaders.accountById.load(id) : null;
  if (!account || !mayAccessCustomerData(caller, account.ownerId)) throw domainError(ErrorCode.NOT_FOUND, "No such account");
  return account;
}

export function requireStaff(context: AccountsContext) {
  const caller = requireCaller(context.caller);
  if (!BANKING_STAFF.has(caller.role)) throw domainError(ErrorCode.FORBIDDEN, "Only tellers and admins may do this");
  return caller;
}

function checkReason(reason: string): string {
  const trimmed = reason.trim();
  if (!trimmed || trimmed.length > 500) throw badUserInput("reason must be 1 to 500 characters", { field: "reason" });
  return trimmed;
}

/**
 * Changes an account's status: the ledger first (under its row lock; it checks the rules, e.g. a zero
 * balance to close), then this domain's record in the ledger's order. Freezing or closing thus takes
 * effect for money before this returns; if the second write fails the ledger already holds the stricter
 * state and a retry converges.
 */
export async function changeAccountStatus(context: AccountsContext, id: string, status: LedgerAccountState["status"], reason: string) {
  const caller = requireCaller(context.caller);
  const why = checkReason(reason);
  const account = await findActionableAccount(context, id);
  const state = await context.ledger.setState(account.id, status);
  return recordLedgerStatus(context.db, state, { reason: why, changedBy: caller.userId, event: accountEventContext(context) });
}
