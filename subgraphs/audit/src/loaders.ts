import DataLoader from "dataloader";
import type { AuditEvent } from "../../../kernel/generated/prisma/client.js";
import type { AuditDb } from "./db.js";

export interface AuditLoaders {
  auditEventById: DataLoader<string, AuditEvent | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Built per request: one SELECT for all audit records a request touches. */
export function createAuditLoaders(db: AuditDb): AuditLoaders {
  return {
    auditEventById: new DataLoader(async (ids) => {
      const valid = ids.filter((id) => UUID.test(id));
      const rows = valid.length ? await db.auditEvent.findMany({ where: { id: { in: [...valid] } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),
  };
}
