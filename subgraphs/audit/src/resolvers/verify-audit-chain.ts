import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import { verifyAuditChain as verifyChain } from "../chain.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { auditMetrics } from "../metrics.js";
import { AUDIT_READERS } from "./audit-event.js";

const MAX_SEQUENCE = 2n ** 63n - 1n;

function sequenceArgument(value: string | null | undefined, field: string): bigint | undefined {
  if (value == null) return undefined;
  if (!/^\d{1,19}$/.test(value) || BigInt(value) < 1n || BigInt(value) > MAX_SEQUENCE) {
    throw badUserInput(`${field} must be a positive sequence number (a decimal string)`, { field });
  }
  return BigInt(value);
}

export const verifyAuditChain: QueryResolvers["verifyAuditChain"] = async (_parent, args, { caller, db, log }) => {
  requireRole(caller, AUDIT_READERS);
  const from = sequenceArgument(args.fromSequence, "fromSequence");
  const to = sequenceArgument(args.toSequence, "toSequence");
  if (from !== undefined && to !== undefined && from > to) throw badUserInput("fromSequence must not be after toSequence", { field: "fromSequence" });
  const result = await verifyChain(db, from, to);
  auditMetrics.chainValid.set(result.valid ? 1 : 0);
  if (!result.valid) log.error({ firstInvalidSequence: result.firstInvalidSequence?.toString() }, "the audit chain is broken");
  return { valid: result.valid, checked: result.checked, firstInvalidSequence: result.firstInvalidSequence?.toString() ?? null };
};
