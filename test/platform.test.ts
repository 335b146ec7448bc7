// The foundation's user journeys through the real router, subgraphs, Postgres and Redis.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createDatabase, type Database } from "#kernel/db.js";
import { buildAccountsWithHistory, buildCustomer } from "./support/builders.js";
import { settled } from "./support/wait.js";
import { usePlatform } from "./support/platform.js";
import { DEMO_PASSWORD, LOGIN, graphql, login, sqlStatementCount } from "./support/stack.js";

const DASHBOARD = /* GraphQL */ `
  {
    me {
      id email name role
      accounts {
        id number type currency status
        balance { amount currency }
        transactions(first: 5) {
          edges { node { id kind amount { amount currency } createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

interface DashboardAccount {
  id: string;
  number: string;
  type: string;
  currency: string;
  status: string;
  balance: { amount: string; currency: string };
  transactions: {
    edges: { node: { id: string; kind: string; amount: { amount: string; currency: string }; createdAt: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface Dashboard {
  me: { id: string; email: string; name: string; role: string; accounts: DashboardAccount[] };
}

const BIG_CUSTOMER = "many-accounts@test.bank";
const BIG_PASSWORD = "a-long-test-password-1";

let db: Database;
const platform = usePlatform(async (database) => {
  db = createDatabase({ url: database.url, poolSize: 10 });
  // A customer with 50 accounts × 20 transactions, to show the statement count does not grow with data.
  const big = await buildCustomer(db.prisma, BIG_CUSTOMER, BIG_PASSWORD);
  await buildAccountsWithHistory(db.prisma, big.id, 50, 20);
  // The N+1 test counts SQL statements process-wide: background pollers (e-mail/webhook dispatcher, hold
  // expiry, chain verification) are slowed down so that they do not run inside its measurement.
  return { DELIVERY_POLL_INTERVAL_MS: "60000", HOLD_EXPIRY_INTERVAL_MS: "3600000", AUDIT_VERIFY_INTERVAL_SECONDS: "0" };
});
after(() => db?.close());

describe("a customer's dashboard through the router", () => {
  test("alice logs in and sees her seeded accounts, balances and history in one query", async () => {
    const token = await login(platform.stack.routerUrl, "alice@demo.bank");
    const { status, body } = await graphql<Dashboard>(platform.stack.routerUrl, DASHBOARD, {}, token);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const me = body.data!.me;
    assert.equal(me.email, "alice@demo.bank");
    assert.equal(me.name, "Alice Martin");
    assert.equal(me.role, "CUSTOMER");
    const byNumber = new Map(me.accounts.map((account) => [account.number, account]));
    assert.deepEqual([...byNumber.keys()].sort(), ["FB65FDBK12817536338047", "FB89FDBK38028495083724", "FB97FDBK50237507013082"]);

    const checking = byNumber.get("FB65FDBK12817536338047")!;
    assert.equal(checking.type, "CHECKING");
    assert.equal(checking.status, "ACTIVE");
    // 2500.00 salary − 125.50 to Bob − 500.00 to savings + 19.99 from Bob.
    assert.deepEqual(checking.balance, { amount: "1894.49", currency: "USD" });
    assert.deepEqual(
      checking.transactions.edges.map((edge) => [edge.node.kind, edge.node.amount.amount]),
      [["TRANSFER", "19.99"], ["TRANSFER", "500.00"], ["TRANSFER", "125.50"], ["DEPOSIT", "2500.00"]],
    );
    assert.equal(checking.transactions.pageInfo.hasNextPage, false);
    assert.deepEqual(byNumber.get("FB97FDBK50237507013082")!.balance, { amount: "500.00", currency: "USD" });
    assert.deepEqual(byNumber.get("FB89FDBK38028495083724")!.balance, { amount: "800.00", currency: "EUR" });
  });

  test("every balance equals the sum of its postings, and all postings sum to zero", async () => {
    const rows = await db.pool.query<{ id: string; balance_minor: string; postings: string | null }>(`
      SELECT a.id, a.balance_minor, (SELECT SUM(p.amount_minor) FROM ledger.postings p WHERE p.account_id = a.id) AS postings
        FROM ledger.ledger_accounts a`);
    for (const row of rows.rows) assert.equal(row.balance_minor, row.postings ?? "0", `account ${row.id}`);
    const total = await db.pool.query<{ sum: string }>("SELECT COALESCE(SUM(amount_minor), 0) AS sum FROM ledger.postings");
    assert.equal(total.rows[0]!.sum, "0");
  });

  test("history pages follow each other with cursors and never repeat an entry", async () => {
    const token = await login(platform.stack.routerUrl, "alice@demo.bank");
    const page = /* GraphQL */ `
      query Page($after: String) {
        me { accounts { number transactions(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }
      }`;
    const first = await graphql<{ me: { accounts: { number: string; transactions: DashboardAccount["transactions"] & { edges: { cursor: string; node: { id: string } }[] } }[] } }>(
      platform.stack.routerUrl, page, {}, token);
    const checking = first.body.data!.me.accounts.find((a) => a.number === "FB65FDBK12817536338047")!;
    assert.equal(checking.transactions.edges.length, 2);
    assert.equal(checking.transactions.pageInfo.hasNextPage, true);
    const second = await graphql<typeof first.body.data>(platform.stack.routerUrl, page, { after: checking.transactions.pageInfo.endCursor }, token);
    const next = second.body.data!.me.accounts.find((a) => a.number === "FB65FDBK12817536338047")!;
    const ids = [...checking.transactions.edges, ...next.transactions.edges].map((edge) => edge.node.id);
    assert.equal(new Set(ids).size, 4);
    assert.equal(next.transactions.pageInfo.hasNextPage, false);
  });

  test("a statement reconciles: opening + entries = closing = the ledger balance", async () => {
    const token = await login(platform.stack.routerUrl, "alice@demo.bank");
    const me = await graphql<Dashboard>(platform.stack.routerUrl, DASHBOARD, {}, token);
    const checking = me.body.data!.me.accounts.find((a) => a.number === "FB65FDBK12817536338047")!;
    const { body } = await graphql<{ accountStatement: { openingBalance: { amount: string }; closingBalance: { amount: string }; totalCredits: { amount: string }; totalDebits: { amount: string }; entries: { amount: { amount: string }; balanceAfter: { amount: string }; transaction: { id: string; kind: string } }[] } }>(
      platform.stack.routerUrl,
      `query S($id: ID!, $from: DateTime!, $to: DateTime!) {
         accountStatement(accountId: $id, from: $from, to: $to) {
           openingBalance { amount } closingBalance { amount } totalCredits { amount } totalDebits { amount }
           entries { amount { amount } balanceAfter { amount } transaction { id kind } }
         }
       }`,
      { id: checking.id, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      token,
    );
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const statement = body.data!.accountStatement;
    assert.equal(statement.openingBalance.amount, "0.00");
    assert.equal(statement.closingBalance.amount, checking.balance.amount);
    assert.equal(statement.totalCredits.amount, "2519.99");
    assert.equal(statement.totalDebits.amount, "-625.50");
    assert.equal(statement.entries.length, 4);
    assert.equal(statement.entries.at(-1)!.balanceAfter.amount, "1894.49");
    // Entity fields of the statement's transactions come from the transactions subgraph.
    assert.deepEqual(statement.entries.map((entry) => entry.transaction.kind), ["DEPOSIT", "TRANSFER", "TRANSFER", "TRANSFER"]);
  });

  test("bob sees his own notifications", async () => {
    const token = await login(platform.stack.routerUrl, "bob@demo.bank");
    const { body } = await graphql<{ me: { notifications: { edges: { node: { kind: string; title: string; read: boolean } }[] } } }>(
      platform.stack.routerUrl, `{ me { notifications(first: 10) { edges { node { kind title read } } } } }`, {}, token);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.deepEqual(body.data!.me.notifications.edges.map((edge) => edge.node.title), ["You received 125.50 USD"]);
  });
});

describe("authentication and authorization", () => {
  test("without a token, `me` is UNAUTHENTICATED", async () => {
    const { status, body } = await graphql(platform.stack.routerUrl, DASHBOARD);
    assert.equal(status, 200);
    assert.equal(body.data ?? null, null);
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  });

  test("a wrong password or an unknown email fail the same way and issue no token", async () => {
    for (const [email, password] of [["alice@demo.bank", "not-her-password"], ["nobody@demo.bank", "demo-password-123"]]) {
      const { body } = await graphql(platform.stack.routerUrl, `mutation { login(email: "${email}", password: "${password}") { accessToken } }`);
      assert.equal(body.data ?? null, null);
      assert.equal(body.errors?.[0]?.extensions?.code, "INVALID_CREDENTIALS");
      assert.equal(body.errors?.[0]?.message, "Invalid email or password");
    }
  });

  test("email is matched case-insensitively at login: it is alice who is signed in", async () => {
    const { body } = await graphql<{ login: { accessToken: string; user: { email: string } } }>(platform.stack.routerUrl, LOGIN, { email: "  Alice@Demo.BANK ", password: DEMO_PASSWORD });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data!.login.user.email, "alice@demo.bank");
    const me = await graphql<Dashboard>(platform.stack.routerUrl, `{ me { email name } }`, {}, body.data!.login.accessToken);
    assert.deepEqual(me.body.data?.me, { email: "alice@demo.bank", name: "Alice Martin" });
  });

  test("a customer cannot read another customer's user, accounts, balances, transactions or statements", async () => {
    const alice = await login(platform.stack.routerUrl, "alice@demo.bank");
    const bob = await login(platform.stack.routerUrl, "bob@demo.bank");
    const bobView = await graphql<Dashboard>(platform.stack.routerUrl, DASHBOARD, {}, bob);
    const bobId = bobView.body.data!.me.id;
    const bobAccount = bobView.body.data!.me.accounts[0]!;
    const bobOnlyTransaction = bobAccount.transactions.edges.find((edge) => edge.node.kind === "WITHDRAWAL")!.node.id;

    const attempts: [string, string, Record<string, unknown>][] = [
      ["user", `query($id: ID!) { user(id: $id) { id email } }`, { id: bobId }],
      ["account", `query($id: ID!) { account(id: $id) { id number status } }`, { id: bobAccount.id }],
      ["transaction", `query($id: ID!) { transaction(id: $id) { id amount { amount } } }`, { id: bobOnlyTransaction }],
      [
        "accountStatement",
        `query($id: ID!) { accountStatement(accountId: $id, from: "2020-01-01T00:00:00Z", to: "2020-12-31T00:00:00Z") { closingBalance { amount } } }`,
        { id: bobAccount.id },
      ],
    ];
    for (const [field, query, variables] of attempts) {
      const { body } = await graphql(platform.stack.routerUrl, query, variables, alice);
      assert.equal(body.errors?.[0]?.extensions?.code, "FORBIDDEN", `${field}: ${JSON.stringify(body)}`);
      assert.equal((body.data as Record<string, unknown> | null)?.[field] ?? null, null, field);
      assert.doesNotMatch(JSON.stringify(body), new RegExp(bobAccount.balance.amount.replace(".", "\\.")), field);
    }
  });

  test("a teller may read any customer's accounts", async () => {
    const bob = await login(platform.stack.routerUrl, "bob@demo.bank");
    const bobAccount = (await graphql<Dashboard>(platform.stack.routerUrl, DASHBOARD, {}, bob)).body.data!.me.accounts[0]!;
    const teller = await login(platform.stack.routerUrl, "teller@demo.bank");
    const { body } = await graphql<{ account: { number: string; balance: { amount: string }; owner: { name: string } } }>(
      platform.stack.routerUrl, `query($id: ID!) { account(id: $id) { number balance { amount } owner { name } } }`, { id: bobAccount.id }, teller);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data!.account.number, bobAccount.number);
    assert.equal(body.data!.account.balance.amount, bobAccount.balance.amount);
    assert.equal(body.data!.account.owner.name, "Bob Okafor");
  });

  test("the audit trail is for auditors, not customers", async () => {
    const query = `{ auditEvents(first: 5) { edges { node { sequence action outcome hash prevHash } } } }`;
    const customer = await graphql(platform.stack.routerUrl, query, {}, await login(platform.stack.routerUrl, "alice@demo.bank"));
    assert.equal(customer.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
    const auditor = await graphql<{ auditEvents: { edges: { node: { action: string; hash: string; prevHash: string } }[] } }>(
      platform.stack.routerUrl, query, {}, await login(platform.stack.routerUrl, "auditor@demo.bank"));
    assert.equal(auditor.body.errors, undefined, JSON.stringify(auditor.body.errors));
    const events = auditor.body.data!.auditEvents.edges.map((edge) => edge.node);
    assert.equal(events.length, 5);
    // Newest first: each record links to the one after it in the list.
    for (let i = 0; i < events.length - 1; i += 1) assert.equal(events[i]!.prevHash, events[i + 1]!.hash);
  });
});

describe("no N+1: SQL statements per request do not grow with the data", () => {
  /**
   * Waits until no background work (event consumers reacting to the logins, for instance) sends SQL, so
   * the process-wide counter measures the dashboard query alone.
   */
  const quiescent = () => settled(() => sqlStatementCount(platform.stack.ports.users));

  async function statementsFor(token: string) {
    await quiescent();
    const before = await sqlStatementCount(platform.stack.ports.users);
    const { body } = await graphql<Dashboard>(platform.stack.routerUrl, DASHBOARD, {}, token);
    const after = await sqlStatementCount(platform.stack.ports.users);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return { statements: after - before, accounts: body.data!.me.accounts };
  }

  test("the dashboard query costs the same for 2 accounts as for 50 accounts × 20 transactions", async () => {
    const bobToken = await login(platform.stack.routerUrl, "bob@demo.bank");
    const bigToken = await login(platform.stack.routerUrl, BIG_CUSTOMER, BIG_PASSWORD);
    const small = await statementsFor(bobToken);
    const big = await statementsFor(bigToken);
    assert.equal(small.accounts.length, 2);
    assert.equal(big.accounts.length, 50);
    assert.ok(big.accounts.every((account) => account.transactions.edges.length === 5 && account.transactions.pageInfo.hasNextPage));
    assert.ok(big.accounts.every((account) => account.balance.amount === "210.00"), "each account holds 1.00 + 2.00 + ... + 20.00");
    console.log(`SQL statements for the dashboard query: 2 accounts → ${small.statements}, 50 accounts × 20 transactions → ${big.statements}`);
    assert.equal(big.statements, small.statements);
    assert.ok(small.statements > 0 && small.statements <= 6, `expected a handful of statements, got ${small.statements}`);
  });
});
