import DataLoader from "dataloader";
import { loadByIds, loadGroupedByIds } from "../../../kernel/batch.js";
import type { Account } from "../../../kernel/generated/prisma/client.js";
import type { AccountsDb } from "./db.js";

export interface AccountLoaders {
  accountById: DataLoader<string, Account | null>;
  accountsByOwner: DataLoader<string, Account[]>;
}

/** Built per request: one SELECT per kind of lookup, whatever the number of users or accounts. */
export function createAccountLoaders(db: AccountsDb): AccountLoaders {
  return {
    accountById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.account.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
    accountsByOwner: new DataLoader((ownerIds) =>
      loadGroupedByIds(
        ownerIds,
        (valid) => db.account.findMany({ where: { ownerId: { in: valid } }, orderBy: [{ openedAt: "asc" }, { id: "asc" }] }),
        (row) => row.ownerId,
      ),
    ),
  };
}
