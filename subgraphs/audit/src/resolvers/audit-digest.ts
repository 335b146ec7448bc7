import { requireRole } from "#kernel/authz.js";
import { signAuditDigest } from "../digest.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { AUDIT_READERS } from "./audit-event.js";

export const auditDigest: QueryResolvers["auditDigest"] = async (_parent, _args, { caller, db, signingKey }) => {
  requireRole(caller, AUDIT_READERS);
  return signAuditDigest(db, signingKey);
};
