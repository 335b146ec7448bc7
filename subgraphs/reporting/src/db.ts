import type { PrismaClient } from "#kernel/db.js";

/**
 * Reporting's database handle: raw, set-based SQL that names only the `reporting` schema (its projections);
 * the ledger is read through the transactions subgraph's API, never its tables.
 */
export type ReportingDb = Pick<PrismaClient, "$queryRaw" | "$executeRaw" | "$transaction">;
