// Live dashboard figures as a subscription: an async generator that reads the projections at once and then
// every `intervalSeconds`, until the client goes away (the server calls `return()` on it).
import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { ReportingContext } from "../context.js";
import type { SubscriptionResolvers } from "../generated/resolvers-types.js";
import { dashboardMetrics as readDashboardMetrics, type DashboardMetricsView } from "../summaries.js";
import { REPORT_READERS } from "./summaries.js";

export const DASHBOARD_MIN_INTERVAL_SECONDS = 1;
export const DASHBOARD_MAX_INTERVAL_SECONDS = 300;

/** Waits, without keeping the process alive for it (a shutdown does not wait for the next tick). */
const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export async function* dashboardMetricsStream(
  context: ReportingContext,
  intervalSeconds: number,
): AsyncGenerator<{ dashboardMetrics: DashboardMetricsView }> {
  for (;;) {
    yield { dashboardMetrics: await readDashboardMetrics(context.db, new Date(), context.sessionWindowMinutes) };
    await pause(intervalSeconds * 1000);
  }
}

export const dashboardMetrics: SubscriptionResolvers["dashboardMetrics"] = {
  subscribe: (_parent, { intervalSeconds }, context) => {
    requireRole(context.caller, REPORT_READERS);
    const interval = intervalSeconds ?? 5;
    if (!Number.isInteger(interval) || interval < DASHBOARD_MIN_INTERVAL_SECONDS || interval > DASHBOARD_MAX_INTERVAL_SECONDS) {
      throw badUserInput(
        `intervalSeconds must be between ${DASHBOARD_MIN_INTERVAL_SECONDS} and ${DASHBOARD_MAX_INTERVAL_SECONDS}`,
        { field: "intervalSeconds" },
      );
    }
    return dashboardMetricsStream(context, interval);
  },
};
