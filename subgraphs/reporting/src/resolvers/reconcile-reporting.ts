import { requireRole } from "#kernel/authz.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { parseDay } from "../periods.js";
import { reconcileDay } from "../reconcile.js";
import { REPORT_READERS } from "./summaries.js";

/** Checking is read-only (analysts and administrators); repairing rewrites the projection (administrators). */
export const reconcileReporting: MutationResolvers["reconcileReporting"] = (_parent, { date, repair }, context) => {
  requireRole(context.caller, repair ? ["ADMIN"] : REPORT_READERS);
  return reconcileDay(context.db, context.ledger, parseDay(date), { repair: repair ?? false });
};
