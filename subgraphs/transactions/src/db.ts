import type { PrismaClient } from "#kernel/db.js";

/** The ledger sees only its own tables (raw SQL in this subgraph names only the `ledger` schema). */
export type LedgerDb = Pick<
  PrismaClient,
  "ledgerAccount" | "ledgerTransaction" | "posting" | "hold" | "idempotencyKey" | "$transaction" | "$queryRaw" | "$executeRaw"
>;

/** The handle inside a ledger database transaction. */
export type LedgerTx = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;
