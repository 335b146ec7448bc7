import type { PrismaClient } from "../../../kernel/db.js";

/** The audit domain sees only its own table. */
export type AuditDb = Pick<PrismaClient, "auditEvent" | "$transaction">;
