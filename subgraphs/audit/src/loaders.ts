import DataLoader from "dataloader";
import { loadByIds } from "#kernel/batch.js";
import type { AuditEvent } from "#kernel/generated/prisma/client.js";
import type { AuditDb } from "./db.js";

export interface AuditLoaders {
  auditEventById: DataLoader<string, AuditEvent | null>;
}

/** Built per request: one SELECT for all audit records a request touches. */
export function createAuditLoaders(db: AuditDb): AuditLoaders {
  return {
    auditEventById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.auditEvent.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
  };
}
