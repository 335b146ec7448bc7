// Seed builders for tests: create data through each domain's own functions, as the services would.
import type { PrismaClient } from "#kernel/db.js";
import type { Role } from "#kernel/identity.js";
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
    await registerLedgerAccount(prisma, { id: account.id, ownerId, currency, kind: "CUSTOMER", number: account.number });
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

// Ledger journeys through the router: the documents live in ledger-ops.ts (importing them loads no service code).
export { LEDGER_OPS } from "./ledger-ops.js";

/** Postgres-side invariants of the ledger: conservation, running balances, limits. Empty when all hold. */
export async function ledgerInvariantViolations(query: (sql: string) => Promise<{ rows: any[] }>): Promise<string[]> {
  const problems: string[] = [];
  const total = await query("SELECT COALESCE(SUM(amount_minor), 0)::text AS sum FROM ledger.postings");
  if (total.rows[0].sum !== "0") problems.push(`postings sum to ${total.rows[0].sum}, not 0`);
  const drift = await query(`
    SELECT a.id, a.balance_minor::text AS balance, COALESCE(SUM(p.amount_minor), 0)::text AS postings
      FROM ledger.ledger_accounts a LEFT JOIN ledger.postings p ON p.account_id = a.id
     GROUP BY a.id HAVING a.balance_minor <> COALESCE(SUM(p.amount_minor), 0)`);
  for (const row of drift.rows) problems.push(`account ${row.id}: balance ${row.balance} ≠ postings ${row.postings}`);
  const below = await query(`
    SELECT id, balance_minor::text AS balance FROM ledger.ledger_accounts
     WHERE kind = 'CUSTOMER' AND balance_minor < -overdraft_limit_minor`);
  for (const row of below.rows) problems.push(`account ${row.id} below its limit: ${row.balance}`);
  const chain = await query(`
    SELECT account_id, id FROM (
      SELECT account_id, id, balance_after_minor,
             LAG(balance_after_minor, 1, 0::bigint) OVER (PARTITION BY account_id ORDER BY id) + amount_minor AS expected
        FROM ledger.postings) x
     WHERE balance_after_minor <> expected LIMIT 5`);
  for (const row of chain.rows) problems.push(`posting ${row.id} of ${row.account_id}: running balance broken`);
  const unbalanced = await query(`
    SELECT transaction_id FROM ledger.postings GROUP BY transaction_id HAVING SUM(amount_minor) <> 0 LIMIT 5`);
  for (const row of unbalanced.rows) problems.push(`transaction ${row.transaction_id} unbalanced`);
  return problems;
}
