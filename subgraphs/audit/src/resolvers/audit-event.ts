import { requireRole } from "#kernel/authz.js";
import type { Role } from "#kernel/identity.js";
import { canonicalJson } from "../chain.js";
import type { AuditEventResolvers } from "../generated/resolvers-types.js";

/** Roles that may read the audit trail, through any path. */
export const AUDIT_READERS: readonly Role[] = ["AUDITOR", "ADMIN"];

export const AuditEvent: AuditEventResolvers = {
  async __resolveReference(reference, { caller, loaders }) {
    requireRole(caller, AUDIT_READERS);
    return loaders.auditEventById.load(reference.id);
  },
  sequence: (event) => event.sequence.toString(),
  // As hashed: canonical JSON (what verify-audit.ts recomputes).
  details: (event) => canonicalJson(event.details),
  // The users subgraph resolves the rest of the User.
  actor: (event) => (event.actorId === null ? null : { __typename: "User", id: event.actorId }),
};
