import { requireRole } from "../../../../kernel/authz.js";
import type { Role } from "../../../../kernel/identity.js";
import { ErrorCode, badUserInput } from "../../../../kernel/errors.js";
import { GraphQLError } from "graphql";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { buildStatement } from "../statement.js";

const MAX_PERIOD_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * A statement lists one customer's entries: for the owner (the ledger checks ownership, since it is called
 * as the same caller) and banking staff. Analysts see aggregated reporting only; auditors the audit trail.
 */
const STATEMENT_READERS: readonly Role[] = ["CUSTOMER", "TELLER", "ADMIN"];

export const accountStatement: QueryResolvers["accountStatement"] = async (_parent, { accountId, from, to }, context) => {
  requireRole(context.caller, STATEMENT_READERS);
  const fromDate = new Date(from);
  const toDate = new Date(to);
  if (!(fromDate < toDate)) throw badUserInput("`from` must be before `to`");
  if (toDate.getTime() - fromDate.getTime() > MAX_PERIOD_MS) throw badUserInput("A statement covers at most 366 days");
  try {
    return buildStatement(await context.ledger.slice(accountId, fromDate, toDate), fromDate, toDate);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.NOT_FOUND) return null;
    throw error;
  }
};
