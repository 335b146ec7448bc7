// The database guarantees the books by itself (issue 16): connected as the application role the services use,
// a test writes bad rows directly — what a bug or a compromised service could send — and Postgres refuses each
// one; the role cannot alter postings or switch the guards off. In-process, on a fresh migrated database.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { MAX_BALANCE_MINOR, MAX_MINOR_UNITS } from "#domain/money.js";
import { asApplicationRole } from "../scripts/migrate.js";
import { ledgerRefusal } from "../subgraphs/transactions/src/ledger-sql.js";
import { createTestDatabase, type TestDatabase } from "./support/stack.js";
import { until } from "./support/wait.js";

let database: TestDatabase;
let owner: pg.Client;
let app: pg.Client;
const caller = randomUUID();

/** A customer account with `balance` deposited through the deposit function (so its chain is real). */
async function fundedAccount(currency: string, balance: bigint): Promise<string> {
  const id = randomUUID();
  await app.query("INSERT INTO ledger.ledger_accounts (id, kind, currency, owner_id) VALUES ($1, 'CUSTOMER', $2, $3)", [id, currency, randomUUID()]);
  if (balance > 0n) await deposit(id, currency, balance);
  return id;
}

function deposit(accountId: string, currency: string, amount: bigint) {
  return app.query("SELECT * FROM ledger.deposit($1, $2, 'fp', $3, $4, $5, $6, NULL, '[]')", [
    caller, randomUUID(), randomUUID(), accountId, currency, String(amount),
  ]);
}

/** Runs statements as the application role in one transaction; resolves with the error that refused them. */
async function refusal(statements: string[], params: unknown[][] = []): Promise<string> {
  await app.query("BEGIN");
  try {
    for (const [index, statement] of statements.entries()) await app.query(statement, params[index] ?? []);
    await app.query("COMMIT");
  } catch (error) {
    await app.query("ROLLBACK").catch(() => undefined);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${statements.join("; ")}`);
}

const lastPosting = async (accountId: string) =>
  (await app.query("SELECT transaction_id, version, balance_after_minor FROM ledger.postings WHERE account_id = $1 ORDER BY version DESC LIMIT 1", [accountId])).rows[0];

before(async () => {
  database = await createTestDatabase();
  owner = new pg.Client({ connectionString: database.url });
  app = new pg.Client({ connectionString: asApplicationRole(database.url) });
  await owner.connect();
  await app.connect();
  await owner.query(`INSERT INTO ledger.ledger_accounts (id, kind, currency)
    SELECT ledger.settlement_account_id(c, s), 'SETTLEMENT', c FROM unnest(ARRAY['USD', 'ISK']) c, generate_series(0, 7) s`);
});

after(async () => {
  await app?.end();
  await owner?.end();
  await database?.drop();
});

describe("the application role cannot alter the books or switch the guards off", () => {
  test("no UPDATE/DELETE/TRUNCATE on postings and transactions, no DDL, no trigger switches", async () => {
    const account = await fundedAccount("USD", 500n);
    for (const statement of [
      "UPDATE ledger.postings SET amount_minor = amount_minor + 1",
      "DELETE FROM ledger.postings",
      "DELETE FROM ledger.transactions",
      "TRUNCATE ledger.postings",
      "ALTER TABLE ledger.postings DISABLE TRIGGER postings_chain",
      "ALTER TABLE ledger.postings DISABLE TRIGGER ALL",
      "DROP TRIGGER postings_append_only ON ledger.postings",
      "DROP FUNCTION ledger.check_posting_chain() CASCADE",
      "SET session_replication_role = replica",
      "UPDATE ledger.ledger_accounts SET pending_debits_minor = 0",
      "UPDATE ledger.ledger_accounts SET overdraft_limit_minor = 1000000",
      "CREATE TABLE ledger.shadow (id int)",
    ]) {
      const message = await refusal([statement]);
      assert.match(message, /permission denied|must be owner|append-only/, statement);
    }
    assert.equal((await lastPosting(account)).balance_after_minor, "500");
  });
});

describe("bad rows written directly are refused by the database", () => {
  test("a posting whose balance_after does not follow the previous one (the −0.01 that added 1,000,000.00)", async () => {
    const account = await fundedAccount("USD", 1_000n);
    const previous = await lastPosting(account);
    const transaction = randomUUID();
    const message = await refusal([
      "INSERT INTO ledger.transactions (id, kind, currency, amount_minor) VALUES ($1, 'WITHDRAWAL', 'USD', 1)",
      "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, version) VALUES ($1, $2, 'USD', -1, $3, $4)",
    ], [[transaction], [transaction, account, String(BigInt(previous.balance_after_minor) + 100_000_000n), String(Number(previous.version) + 1)]]);
    assert.match(message, /breaks the running balance/);
  });

  test("a posting whose version is not the next one, or repeats one", async () => {
    const account = await fundedAccount("USD", 1_000n);
    const previous = await lastPosting(account);
    for (const version of [Number(previous.version) + 2, Number(previous.version)]) {
      const transaction = randomUUID();
      const message = await refusal([
        "INSERT INTO ledger.transactions (id, kind, currency, amount_minor) VALUES ($1, 'WITHDRAWAL', 'USD', 1)",
        "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, version) VALUES ($1, $2, 'USD', -1, $3, $4)",
      ], [[transaction], [transaction, account, String(BigInt(previous.balance_after_minor) - 1n), String(version)]]);
      assert.match(message, /not the next one|duplicate key|breaks the running balance/, `version ${version}`);
    }
  });

  test("a transaction whose amount is not the sum of its credits, and an unbalanced one", async () => {
    const from = await fundedAccount("USD", 1_000n);
    const to = await fundedAccount("USD", 0n);
    const [a, b] = [await lastPosting(from), { version: 0, balance_after_minor: "0" }];
    const legs = (transaction: string, debit: bigint, credit: bigint) => [
      [transaction],
      [transaction, from, String(-debit), String(BigInt(a.balance_after_minor) - debit), String(Number(a.version) + 1)],
      [transaction, to, String(credit), String(BigInt(b.balance_after_minor) + credit), String(b.version + 1)],
    ];
    // Inserting the postings is what moves the balances (the chain trigger writes them onto the accounts).
    const statements = (amount: number) => [
      `INSERT INTO ledger.transactions (id, kind, currency, amount_minor) VALUES ($1, 'TRANSFER', 'USD', ${amount})`,
      "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, version) VALUES ($1, $2, 'USD', $3, $4, $5)",
      "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, version) VALUES ($1, $2, 'USD', $3, $4, $5)",
    ];
    assert.match(await refusal(statements(999), legs(randomUUID(), 100n, 100n)), /unbalanced .*credits 100 for amount 999/);
    assert.match(await refusal(statements(100), legs(randomUUID(), 100n, 90n)), /unbalanced/);
  });

  test("a balance changed, or an account created with one, without the postings that explain it", async () => {
    const account = await fundedAccount("USD", 1_000n);
    const update = "UPDATE ledger.ledger_accounts SET balance_minor = balance_minor + 1 WHERE id = $1";
    assert.match(await refusal([update], [[account]]), /permission denied/);
    assert.match(
      await refusal(["INSERT INTO ledger.ledger_accounts (id, kind, currency, balance_minor, version) VALUES (gen_random_uuid(), 'CUSTOMER', 'USD', 100, 1)"]),
      /must start empty/,
    );
    // Not even the owner changes a balance except by inserting postings.
    await assert.rejects(owner.query(update, [account]), /not explained by a posting/);
    assert.equal((await lastPosting(account)).balance_after_minor, "1000");
  });

  test("a hold the available balance cannot cover, and a hold created already settled", async () => {
    const account = await fundedAccount("USD", 1_000n);
    const hold = (amount: number, status = "PENDING") => [
      `INSERT INTO ledger.holds (id, account_id, to_account_id, currency, amount_minor, status, expires_at)
       VALUES (gen_random_uuid(), $1, $1, 'USD', ${amount}, '${status}', now() + interval '1 hour')`,
    ];
    assert.equal(await app.query(hold(600)[0]!, [account]).then(() => "placed"), "placed");
    assert.match(await refusal(hold(401), [[account]]), /ledger_accounts_available_within_limit/);
    assert.match(await refusal(hold(1, "VOIDED"), [[account]]), /created PENDING|holds_settlement_consistent/);
    // The database's pending debits also refuse a withdrawal through the function.
    const refused = await app.query("SELECT * FROM ledger.withdraw($1, $2, 'fp', $3, $4, 'USD', 401, NULL, '[]')", [caller, randomUUID(), randomUUID(), account]).catch((e: unknown) => e);
    assert.equal(ledgerRefusal(refused)?.extensions.code, "INSUFFICIENT_FUNDS");
  });

  test("a capture whose commit comes after the hold's expiry is refused at commit", async () => {
    const from = await fundedAccount("USD", 1_000n);
    const to = await fundedAccount("USD", 0n);
    const hold = randomUUID();
    await app.query(`INSERT INTO ledger.holds (id, account_id, to_account_id, currency, amount_minor, expires_at)
      VALUES ($1, $2, $3, 'USD', 100, clock_timestamp() + interval '400 milliseconds')`, [hold, from, to]);
    await app.query("BEGIN");
    // Decided in time: the capture itself is accepted inside the transaction ...
    const captured = await app.query("SELECT * FROM ledger.capture_hold($1, $2, 'fp', $3, $4, 100, '[]')", [caller, randomUUID(), randomUUID(), hold]);
    assert.equal(captured.rows[0].replayed, false);
    // ... but the commit comes after the expiry (waiting for that condition on another connection).
    await until("the hold's expiry has passed", async () =>
      (await owner.query("SELECT clock_timestamp() > expires_at AS passed FROM ledger.holds WHERE id = $1", [hold])).rows[0].passed, { intervalMs: 50 });
    const commit = await app.query("COMMIT").catch((error: unknown) => error);
    assert.equal(ledgerRefusal(commit)?.extensions.code, "HOLD_NOT_PENDING");
    assert.equal((await owner.query("SELECT status::text FROM ledger.holds WHERE id = $1", [hold])).rows[0].status, "PENDING");
    assert.equal((await owner.query("SELECT count(*)::int AS n FROM ledger.transactions WHERE hold_id = $1", [hold])).rows[0].n, 0);
  });
});

describe("bounds: an overflow is a domain error, never a bigint error", () => {
  test("ISK deposits of the largest amount stop at the balance bound with INVALID_AMOUNT", async () => {
    const account = await fundedAccount("ISK", 0n);
    const max = MAX_MINOR_UNITS;
    let accepted = 0;
    for (;;) {
      const result = await deposit(account, "ISK", max).catch((error: unknown) => error);
      if (result instanceof Error) {
        assert.equal(ledgerRefusal(result)?.extensions.code, "INVALID_AMOUNT", String(result));
        break;
      }
      accepted += 1;
      assert.ok(accepted <= Number(MAX_BALANCE_MINOR / max), "the bound must stop deposits at MAX_BALANCE_MINOR");
    }
    assert.equal(accepted, Number(MAX_BALANCE_MINOR / max));
    // The currency's other deposits still work.
    const other = await fundedAccount("ISK", 5n);
    assert.equal((await lastPosting(other)).balance_after_minor, "5");
    // An amount beyond the bound, written directly in an otherwise correct chain, is refused too.
    const posting = "INSERT INTO ledger.postings (transaction_id, account_id, currency, amount_minor, balance_after_minor, version) VALUES (gen_random_uuid(), $1, 'ISK', $2, $3, 2)";
    assert.match(await refusal([posting], [[other, String(max + 1n), String(max + 6n)]]), /postings_amount_bounded/);
  });
});
