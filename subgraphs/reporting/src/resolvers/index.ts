import { DateTimeArgumentScalar } from "../date-time-argument.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { accountStatement, accountStatementCsv, monthlyStatement } from "./account-statement.js";
import { dashboardMetrics } from "./dashboard-metrics.js";
import { reconcileReporting } from "./reconcile-reporting.js";
import { AccountStatement, StatementEntry } from "./statement-fields.js";
import { dailySummary, kpis, monthlySummary } from "./summaries.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeArgumentScalar,
  Query: { accountStatement, accountStatementCsv, monthlyStatement, dailySummary, monthlySummary, kpis },
  Mutation: { reconcileReporting },
  Subscription: { dashboardMetrics },
  AccountStatement,
  StatementEntry,
};
