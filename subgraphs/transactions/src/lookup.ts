// Finding the accounts a money movement names, with the object-level rules applied: for a customer, an
// account they do not own looks exactly like one that does not exist (no existence oracle).
import { isValidAccountNumber, normaliseAccountNumber } from "#domain/account-number.js";
import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { ErrorCode, badUserInput, domainError } from "#kernel/errors.js";
import { parseAmount } from "#domain/money.js";
import type { LedgerAccount } from "#kernel/generated/prisma/client.js";
import type { TransactionsContext } from "./context.js";

export interface AccountRefInput {
  id?: string | null;
  number?: string | null;
}

const unknownAccount = () => domainError(ErrorCode.NOT_FOUND, "No such account");

/** Any customer account, by id or by number (exactly one must be given). */
export async function findCustomerAccount(context: TransactionsContext, ref: AccountRefInput, field: string): Promise<LedgerAccount> {
  const hasId = ref.id !== undefined && ref.id !== null;
  const hasNumber = ref.number !== undefined && ref.number !== null;
  if (hasId === hasNumber) throw badUserInput(`Give exactly one of ${field}Id and ${field}Number`, { field });
  let account: LedgerAccount | null;
  if (hasNumber) {
    if (!isValidAccountNumber(ref.number!)) {
      throw domainError(ErrorCode.INVALID_ACCOUNT_NUMBER, "The account number is malformed or its check digits are wrong", { field });
    }
    account = await context.loaders.ledgerAccountByNumber.load(normaliseAccountNumber(ref.number!));
  } else {
    account = isUuid(ref.id!) ? await context.loaders.ledgerAccountById.load(ref.id!) : null;
  }
  // Naming someone else's account (or none) by number counts toward the caller's look-up limit.
  if (hasNumber && context.numberLookups && (!account?.ownerId || account.ownerId !== context.caller?.userId)) {
    await context.numberLookups.count(requireCaller(context.caller), normaliseAccountNumber(ref.number!));
  }
  if (!account || account.kind !== "CUSTOMER") throw unknownAccount();
  return account;
}

/** A customer account the caller may move money out of: their own, or any for staff. */
export async function findOwnAccount(context: TransactionsContext, ref: AccountRefInput, field: string): Promise<LedgerAccount> {
  const caller = requireCaller(context.caller);
  const account = await findCustomerAccount(context, ref, field);
  if (!account.ownerId || !mayAccessCustomerData(caller, account.ownerId)) throw unknownAccount();
  return account;
}

/** An amount in the account's currency: positive, exact scale, not absurd; otherwise INVALID_AMOUNT. */
export function parseMovementAmount(amount: string, currency: string, field = "amount"): bigint {
  try {
    return parseAmount(amount.trim(), currency);
  } catch (error) {
    const message = error instanceof Error ? error.message : "Invalid amount";
    throw domainError(ErrorCode.INVALID_AMOUNT, message, { field });
  }
}

const MAX_REFERENCE = 140;

export function normaliseReference(reference: string | null | undefined): string | null {
  const trimmed = reference?.trim() ?? "";
  if (trimmed.length > MAX_REFERENCE) throw badUserInput(`reference is at most ${MAX_REFERENCE} characters`, { field: "reference" });
  return trimmed.length ? trimmed : null;
}
