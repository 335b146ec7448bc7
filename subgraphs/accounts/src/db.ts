import type { PrismaClient } from "../../../kernel/db.js";

/** The accounts domain sees only its own tables. */
export type AccountsDb = Pick<PrismaClient, "account" | "accountStatusChange" | "$transaction">;
