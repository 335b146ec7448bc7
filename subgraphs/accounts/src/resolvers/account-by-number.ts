import { isValidAccountNumber, normaliseAccountNumber } from "#domain/account-number.js";
import { ErrorCode, domainError } from "#kernel/errors.js";
import { requireStaff } from "../lifecycle.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";

export const accountByNumber: QueryResolvers["accountByNumber"] = async (_parent, { number }, context) => {
  requireStaff(context);
  if (!isValidAccountNumber(number)) {
    throw domainError(ErrorCode.INVALID_ACCOUNT_NUMBER, "The account number is malformed or its check digits are wrong", { field: "number" });
  }
  return context.loaders.accountByNumber.load(normaliseAccountNumber(number));
};
