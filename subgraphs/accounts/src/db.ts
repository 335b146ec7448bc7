import type { PrismaClient } from "#kernel/db.js";

/** The accounts domain sees only its own tables (raw SQL here names only the `accounts` schema). */
export type AccountsDb = Pick<PrismaClient, "account" | "accountStatusChange" | "$transaction" | "$queryRaw">;
