import { requireRole } from "#kernel/authz.js";
import type { Role } from "#kernel/identity.js";
import { badUserInput } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import type { ReportingContext } from "../context.js";
import { statementCsv } from "../csv.js";
import { dateTimeArgument } from "../date-time-argument.js";
import type { AccountStatementView } from "../mappers.js";
import { parseZonedMonth } from "../periods.js";
import { buildStatement } from "../statement.js";

const MAX_PERIOD_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * A statement lists one customer's entries: for the owner (the ledger checks ownership, since it is called
 * as the same caller) and banking staff. Analysts see aggregated reporting only; auditors the audit trail.
 */
const STATEMENT_READERS: readonly Role[] = ["CUSTOMER", "TELLER", "ADMIN"];

/** The reconciled statement, under the ledger's object-level authorization. */
async function loadStatement(context: ReportingContext, accountId: string, from: Date | string, to: Date | string): Promise<AccountStatementView> {
  requireRole(context.caller, STATEMENT_READERS);
  const fromDate = dateTimeArgument(from, "from");
  const toDate = dateTimeArgument(to, "to");
  if (!(fromDate < toDate)) throw badUserInput("`from` must be before `to`");
  if (toDate.getTime() - fromDate.getTime() > MAX_PERIOD_MS) throw badUserInput("A statement covers at most 366 days");
  // The ledger's own answer passes through (internal-client keeps client-facing codes): FORBIDDEN for
  // another customer's account and NOT_FOUND for none, as `account(id)` and `transaction(id)` answer.
  return buildStatement(await context.ledger.slice(accountId, fromDate, toDate), fromDate, toDate);
}

export const accountStatement: QueryResolvers["accountStatement"] = (_parent, { accountId, from, to }, context) =>
  loadStatement(context, accountId, from, to);

export const accountStatementCsv: QueryResolvers["accountStatementCsv"] = async (_parent, { accountId, from, to }, context) =>
  statementCsv(await loadStatement(context, accountId, from, to));

export const monthlyStatement: QueryResolvers["monthlyStatement"] = (_parent, { accountId, month }, context) => {
  const period = parseZonedMonth(month, context.bankTimeZone);
  return loadStatement(context, accountId, period.start, period.end);
};
