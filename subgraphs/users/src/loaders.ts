import DataLoader from "dataloader";
import { loadByIds } from "#kernel/batch.js";
import type { User } from "#kernel/generated/prisma/client.js";
import type { UsersDb } from "./db.js";

export interface UserLoaders {
  userById: DataLoader<string, User | null>;
  /** Whether the caller has exchanged money with a user (counterparty-names.ts). */
  moneyExchangedWith?: DataLoader<string, boolean>;
}

/** Built per request: one SELECT for all users a request touches. */
export function createUserLoaders(db: UsersDb): UserLoaders {
  return {
    userById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.user.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
  };
}
