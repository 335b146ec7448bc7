import type { PrismaClient } from "#kernel/db.js";

/** The users domain sees only its own tables. */
export type UsersDb = Pick<PrismaClient, "user" | "session" | "refreshToken" | "mfaRecoveryCode" | "securityEvent" | "$transaction" | "$executeRaw">;

/** The same tables inside an interactive transaction. */
export type UsersTx = Omit<UsersDb, "$transaction">;
