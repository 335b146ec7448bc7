import DataLoader from "dataloader";
import type { Account } from "../../../kernel/generated/prisma/client.js";
import type { AccountsDb } from "./db.js";

export interface AccountLoaders {
  accountById: DataLoader<string, Account | null>;
  accountsByOwner: DataLoader<string, Account[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const validIds = (ids: readonly string[]) => [...new Set(ids.filter((id) => UUID.test(id)))];

/** Built per request: one SELECT per kind of lookup, whatever the number of users or accounts. */
export function createAccountLoaders(db: AccountsDb): AccountLoaders {
  return {
    accountById: new DataLoader(async (ids) => {
      const valid = validIds(ids);
      const rows = valid.length ? await db.account.findMany({ where: { id: { in: valid } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    accountsByOwner: new DataLoader(async (ownerIds) => {
      const valid = validIds(ownerIds);
      const rows = valid.length
        ? await db.account.findMany({ where: { ownerId: { in: valid } }, orderBy: [{ openedAt: "asc" }, { id: "asc" }] })
        : [];
      const byOwner = new Map<string, Account[]>();
      for (const row of rows) byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), row]);
      return ownerIds.map((id) => byOwner.get(id) ?? []);
    }),
  };
}
