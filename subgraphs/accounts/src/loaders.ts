import DataLoader from "dataloader";
import { loadByIds, loadGroupedByIds } from "#kernel/batch.js";
import type { Account, AccountStatusChange } from "#kernel/generated/prisma/client.js";
import type { AccountsDb } from "./db.js";

export interface AccountLoaders {
  accountById: DataLoader<string, Account | null>;
  accountByNumber: DataLoader<string, Account | null>;
  accountsByOwner: DataLoader<string, Account[]>;
  statusHistory: DataLoader<string, AccountStatusChange[]>;
}

/** Built per request: one SELECT per kind of lookup, whatever the number of users or accounts. */
export function createAccountLoaders(db: AccountsDb): AccountLoaders {
  return {
    accountById: new DataLoader((ids) =>
      loadByIds(ids, (valid) => db.account.findMany({ where: { id: { in: valid } } }), (row) => row.id),
    ),
    accountByNumber: new DataLoader(async (numbers) => {
      const rows = await db.account.findMany({ where: { number: { in: [...numbers] } } });
      const byNumber = new Map(rows.map((row) => [row.number, row]));
      return numbers.map((number) => byNumber.get(number) ?? null);
    }),
    accountsByOwner: new DataLoader((ownerIds) =>
      loadGroupedByIds(
        ownerIds,
        (valid) => db.account.findMany({ where: { ownerId: { in: valid } }, orderBy: [{ openedAt: "asc" }, { id: "asc" }] }),
        (row) => row.ownerId,
      ),
    ),
    statusHistory: new DataLoader((accountIds) =>
      loadGroupedByIds(
        accountIds,
        (valid) => db.accountStatusChange.findMany({ where: { accountId: { in: valid } }, orderBy: { id: "asc" } }),
        (row) => row.accountId,
      ),
    ),
  };
}
