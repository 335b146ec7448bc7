import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { Role } from "#kernel/identity.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { DAY_MS, parseCurrency, parseDay, parseMonth } from "../periods.js";
import { kpis as readKpis, periodSummary } from "../summaries.js";

/** Bank-wide aggregates: analysts and administrators (`reports:read`), checked here as well as at the router. */
export const REPORT_READERS: readonly Role[] = ["ANALYST", "ADMIN"];
const MAX_KPI_DAYS = 366;

export const dailySummary: QueryResolvers["dailySummary"] = (_parent, { date, currency }, context) => {
  requireRole(context.caller, REPORT_READERS);
  const day = parseDay(date);
  return periodSummary(context.db, date.trim(), day, new Date(day.getTime() + DAY_MS), parseCurrency(currency));
};

export const monthlySummary: QueryResolvers["monthlySummary"] = (_parent, { month, currency }, context) => {
  requireRole(context.caller, REPORT_READERS);
  const { start, end } = parseMonth(month);
  return periodSummary(context.db, month.trim(), start, end, parseCurrency(currency));
};

export const kpis: QueryResolvers["kpis"] = (_parent, { range }, context) => {
  requireRole(context.caller, REPORT_READERS);
  const first = parseDay(range.from, "range.from");
  const last = parseDay(range.to, "range.to");
  if (last < first) throw badUserInput("`range.to` must not be before `range.from`", { field: "range.to" });
  if ((last.getTime() - first.getTime()) / DAY_MS + 1 > MAX_KPI_DAYS) throw badUserInput(`A range covers at most ${MAX_KPI_DAYS} days`);
  return readKpis(context.db, first, last);
};
