import type { PrismaClient } from "../../../kernel/db.js";

/** The users domain sees only its own tables. */
export type UsersDb = Pick<PrismaClient, "user" | "$transaction">;
