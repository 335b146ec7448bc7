import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { MAX_AUDIT_PAGE_SIZE, decodeAuditCursor, encodeAuditCursor, listAuditEvents } from "../trail.js";
import { AUDIT_READERS } from "./audit-event.js";

export const auditEvents: QueryResolvers["auditEvents"] = async (_parent, { filter, first, after }, { caller, db }) => {
  requireRole(caller, AUDIT_READERS);
  if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_AUDIT_PAGE_SIZE}`, { field: "first" });
  }
  const criteria = filter && {
    ...filter,
    from: filter.from == null ? null : new Date(filter.from),
    to: filter.to == null ? null : new Date(filter.to),
  };
  const page = await listAuditEvents(db, first, after == null ? null : decodeAuditCursor(after), criteria);
  const edges = page.events.map((node) => ({ cursor: encodeAuditCursor(node.sequence), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
};
