import { DateTimeScalar } from "#kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { AuditEvent } from "./audit-event.js";
import { auditDigest } from "./audit-digest.js";
import { auditEvents } from "./audit-events.js";
import { verifyAuditChain } from "./verify-audit-chain.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { auditEvents, verifyAuditChain, auditDigest },
  AuditEvent,
};
