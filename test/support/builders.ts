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

// ---- Ledger journeys through the router (used by test/ledger-*.test.ts and bench/ledger.ts) ----

export const LEDGER_OPS = {
  open: /* GraphQL */ `mutation Open($input: OpenAccountInput!) {
    openAccount(input: $input) { id number currency status overdraftLimit { amount currency } owner { id } }
  }`,
  freeze: /* GraphQL */ `mutation Freeze($id: ID!, $reason: String!) { freezeAccount(id: $id, reason: $reason) { id status } }`,
  unfreeze: /* GraphQL */ `mutation Unfreeze($id: ID!, $reason: String!) { unfreezeAccount(id: $id, reason: $reason) { id status } }`,
  close: /* GraphQL */ `mutation Close($id: ID!, $reason: String!) { closeAccount(id: $id, reason: $reason) { id status } }`,
  deposit: /* GraphQL */ `mutation Deposit($input: DepositInput!) {
    deposit(input: $input) { replayed transaction { id kind amount { amount currency } } }
  }`,
  withdraw: /* GraphQL */ `mutation Withdraw($input: WithdrawInput!) {
    withdraw(input: $input) { replayed transaction { id kind amount { amount currency } } }
  }`,
  transfer: /* GraphQL */ `mutation Transfer($input: TransferInput!) {
    transfer(input: $input) { replayed transaction { id kind amount { amount currency } reference } }
  }`,
  reverse: /* GraphQL */ `mutation Reverse($id: ID!, $reason: String!, $key: String!) {
    reverseTransaction(id: $id, reason: $reason, idempotencyKey: $key) {
      replayed transaction { id kind amount { amount } reverses { id } postings { amount { amount } } }
    }
  }`,
  authorize: /* GraphQL */ `mutation Authorize($input: TransferInput!) {
    authorizeTransfer(input: $input) { replayed hold { id status amount { amount } expiresAt } }
  }`,
  capture: /* GraphQL */ `mutation Capture($input: CaptureInput!) {
    captureTransfer(input: $input) { replayed transaction { id kind amount { amount } } }
  }`,
  void: /* GraphQL */ `mutation Void($holdId: ID!, $key: String!) {
    voidTransfer(holdId: $holdId, idempotencyKey: $key) { replayed hold { id status } }
  }`,
  balances: /* GraphQL */ `query Balances($id: ID!) {
    account(id: $id) { id status balance { amount currency } availableBalance { amount } }
  }`,
} as const;

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
