import type pg from "pg";
import type { PrismaClient } from "#kernel/db.js";

/** The audit domain sees only its own table. */
export type AuditDb = Pick<PrismaClient, "auditEvent" | "$transaction">;
/**
 * Inside a transaction (the consumer's, or appendAuditEvent's own): parameterised statements, as the
 * SqlTransaction of kernel/db.ts runs them.
 */
export interface AuditTx {
  query<Row extends pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
}
