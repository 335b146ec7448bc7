import DataLoader from "dataloader";
import type { User } from "../../../kernel/generated/prisma/client.js";
import type { UsersDb } from "./db.js";

export interface UserLoaders {
  userById: DataLoader<string, User | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Built per request: one SELECT for all users a request touches. */
export function createUserLoaders(db: UsersDb): UserLoaders {
  return {
    userById: new DataLoader(async (ids) => {
      const valid = ids.filter((id) => UUID.test(id));
      const rows = valid.length ? await db.user.findMany({ where: { id: { in: [...valid] } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
