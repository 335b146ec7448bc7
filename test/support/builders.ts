// Seed builders for tests: create data through each domain's own functions, as the services would.
import type { PrismaClient } from "../../kernel/db.js";
import type { Role } from "../../kernel/identity.js";
import { openAccount } from "../../subgraphs/accounts/src/accounts.js";
import { ensureSettlementAccount, postTransaction, registerLedgerAccount, settlementAccountId } from "../../subgraphs/transactions/src/ledger.js";
import { ensureUser } from "../../subgraphs/users/src/users.js";

export async function buildCustomer(prisma: PrismaClient, email: string, password: string, role: Role = "CUSTOMER") {
  const { user } = await ensureUser(prisma, { email, name: `Test ${email}`, role, password });
  return user;
}

/** Opens `accounts` accounts for the owner, each with `depositsPerAccount` deposits of increasing amounts. */
export async function buildAccountsWithHistory(
  prisma: PrismaClient,
  ownerId: string,
  accounts: number,
  depositsPerAccount: number,
  currency = "USD",
) {
  await ensureSettlementAccount(prisma, currency);
  const ids: string[] = [];
  for (let a = 0; a < accounts; a += 1) {
    const account = await openAccount(prisma, { ownerId, type: a % 2 ? "SAVINGS" : "CHECKING", currency });
    await registerLedgerAccount(prisma, { id: account.id, ownerId, currency, kind: "CUSTOMER" });
    ids.push(account.id);
  }
  await Promise.all(
    ids.map(async (accountId) => {
      for (let d = 1; d <= depositsPerAccount; d += 1) {
        const amountMinor = BigInt(d * 100);
        await postTransaction(prisma, {
          kind: "DEPOSIT",
          currency,
          reference: `deposit ${d}`,
          legs: [
            { accountId, amountMinor },
            { accountId: settlementAccountId(currency), amountMinor: -amountMinor },
          ],
        });
      }
    }),
  );
  return ids;
}
