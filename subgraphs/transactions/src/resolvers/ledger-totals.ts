import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { readLedgerTotals } from "../daily-totals.js";

const MAX_PERIOD_MS = 32 * 24 * 60 * 60 * 1000;

/** Internal (reporting's reconciliation): bank-wide aggregates only, for the roles that read reports. */
export const ledgerTotals: QueryResolvers["ledgerTotals"] = async (_parent, { from, to }, context) => {
  requireRole(context.caller, ["ADMIN", "ANALYST"]);
  const fromDate = new Date(from);
  const toDate = new Date(to);
  if (!(fromDate < toDate)) throw badUserInput("`from` must be before `to`");
  if (toDate.getTime() - fromDate.getTime() > MAX_PERIOD_MS) throw badUserInput("At most 32 days at a time");
  const rows = await readLedgerTotals(context.db, fromDate, toDate);
  return rows.map((row) => ({ ...row, count: String(row.count) }));
};
