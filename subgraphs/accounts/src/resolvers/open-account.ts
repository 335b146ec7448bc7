import { BANKING_STAFF, requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { ErrorCode, badUserInput, domainError, forbidden } from "#kernel/errors.js";
import { parseAmount } from "#domain/money.js";
import { accountEventContext, openAccountWithLedger } from "../accounts.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";

function parseOverdraft(limit: string | null | undefined, currency: string): bigint {
  if (limit === null || limit === undefined || /^0+(\.0+)?$/.test(limit.trim())) return 0n;
  try {
    return parseAmount(limit.trim(), currency);
  } catch (error) {
    throw domainError(ErrorCode.INVALID_AMOUNT, error instanceof Error ? error.message : "Invalid amount", { field: "overdraftLimit" });
  }
}

export const openAccount: MutationResolvers["openAccount"] = async (_parent, { input }, context) => {
  const caller = requireCaller(context.caller);
  const staff = BANKING_STAFF.has(caller.role);
  const ownerId = input.ownerId ?? caller.userId;
  if (!isUuid(ownerId)) throw badUserInput("ownerId must be a user id", { field: "ownerId" });
  if (ownerId.toLowerCase() !== caller.userId && !staff) throw forbidden("Customers may only open accounts for themselves");
  const currency = input.currency.trim().toUpperCase();
  const overdraftLimitMinor = input.overdraftLimit == null ? 0n : parseOverdraft(input.overdraftLimit, currency);
  if (overdraftLimitMinor > 0n && !staff) throw forbidden("Only staff may grant an overdraft");
  return openAccountWithLedger(context.db, context.ledger, {
    ownerId: ownerId.toLowerCase(),
    type: input.type,
    currency,
    overdraftLimitMinor,
    openedBy: caller.userId,
    event: accountEventContext(context),
  });
};
