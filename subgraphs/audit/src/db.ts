import type { Prisma, PrismaClient } from "#kernel/db.js";

/** The audit domain sees only its own table. */
export type AuditDb = Pick<PrismaClient, "auditEvent" | "$transaction">;
/** Inside a transaction (the consumer's, or appendAuditEvent's own). */
export type AuditTx = Pick<Prisma.TransactionClient, "auditEvent" | "$executeRaw" | "$queryRaw">;
