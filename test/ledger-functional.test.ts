// The ledger through the real router: account lifecycle, deposits, withdrawals, transfers, reversals,
// holds, history pages, authorization, bad input and idempotency — on the run's shared platform, with
// customers of the suite's own (the demo staff act on them).
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { computeCheckDigits } from "#domain/account-number.js";
import { createDatabase } from "#kernel/db.js";
import { purgeIdempotencyKeys } from "../subgraphs/transactions/src/idempotency.js";
import { buildAccountsWithHistory, buildCustomer, LEDGER_OPS as OPS, ledgerInvariantViolations } from "./support/builders.js";
import { STRONG_PASSWORD, uniqueEmail } from "./support/identity.js";
import { useDatabase, usePlatform, useSharedPlatform } from "./support/platform.js";
import { eventually } from "./support/wait.js";
import { createTestDatabase, graphql, login } from "./support/stack.js";

const platform = useSharedPlatform();
const db = useDatabase(platform);
let sql: pg.Pool;
const tokens: Record<string, string> = {};
/** The suite's own customers ("alice", "bob"): user ids, and the accounts the tests pay into. */
const customers: Record<string, string> = {};
let ALICE_CHECKING: string;
let BOB_CHECKING: string;
let BOB_JPY: string;

type Body = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };

async function call(who: string, query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  return (await graphql(platform.routerUrl, query, variables, tokens[who])).body as Body;
}

function ok(body: Body) {
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

function code(body: Body): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

const key = () => randomUUID();
/** A well-formed number (valid check digits) that no account has. */
const UNUSED_NUMBER = `FB${computeCheckDigits("FB", "FDBK99999999999999")}FDBK99999999999999`;

async function openAccount(who: string, input: Record<string, unknown>) {
  return ok(await call(who, OPS.open, { input })).openAccount as { id: string; number: string; status: string };
}

async function deposit(accountId: string, amount: string) {
  return ok(await call("teller", OPS.deposit, { input: { accountId, amount, idempotencyKey: key() } })).deposit;
}

async function balances(id: string, who = "teller") {
  const account = ok(await call(who, OPS.balances, { id })).account;
  return { balance: account.balance.amount as string, available: account.availableBalance.amount as string, status: account.status as string };
}

/** Transactions, holds and money on the suite's customers' accounts (other suites move money meanwhile). */
async function ledgerCounts() {
  const owners = Object.values(customers);
  const { rows } = await sql.query(
    `SELECT (SELECT count(DISTINCT p.transaction_id) FROM ledger.postings p JOIN ledger.ledger_accounts a ON a.id = p.account_id
              WHERE a.owner_id = ANY($1::uuid[]))::int AS transactions,
            (SELECT count(*) FROM ledger.holds h JOIN ledger.ledger_accounts a ON a.id = h.account_id WHERE a.owner_id = ANY($1::uuid[]))::int AS holds,
            (SELECT COALESCE(sum(abs(balance_minor)), 0)::text FROM ledger.ledger_accounts WHERE owner_id = ANY($1::uuid[])) AS moved`,
    [owners],
  );
  return rows[0];
}

/** A number as a person might type it: lower case, in groups of four. */
const typed = (number: string) => number.toLowerCase().replace(/(.{4})/g, "$1 ").trim();

before(async () => {
  await platform.ready;
  sql = db.pool;
  for (const who of ["alice", "bob"]) {
    const email = uniqueEmail(`ledger-${who}`);
    customers[who] = (await buildCustomer(db.prisma, email, STRONG_PASSWORD)).id;
    tokens[who] = await login(platform.routerUrl, email, STRONG_PASSWORD);
  }
  for (const who of ["teller", "admin"]) tokens[who] = await login(platform.routerUrl, `${who}@demo.bank`);
  const numberOf = async (ids: string[]) => (await db.prisma.account.findUniqueOrThrow({ where: { id: ids[0]! } })).number;
  ALICE_CHECKING = await numberOf(await buildAccountsWithHistory(db.prisma, customers.alice!, 1, 0));
  BOB_CHECKING = await numberOf(await buildAccountsWithHistory(db.prisma, customers.bob!, 1, 0));
  BOB_JPY = await numberOf(await buildAccountsWithHistory(db.prisma, customers.bob!, 1, 0, "JPY"));
});

describe("account lifecycle", () => {
  test("an account is usable the moment openAccount returns; customers open only their own, without overdraft", async () => {
    const account = await openAccount("alice", { type: "SAVINGS", currency: "USD" });
    assert.equal(account.status, "ACTIVE");
    assert.match(account.number, /^FB\d{2}FDBK\d{14}$/);
    // Immediately: a deposit and a transfer out succeed.
    await deposit(account.id, "20.00");
    const me = ok(await call("alice", `{ me { id accounts { id number } } }`)).me;
    const moved = await call("alice", OPS.transfer, {
      input: { fromAccountId: account.id, toAccountNumber: typed(ALICE_CHECKING), amount: "5.00", idempotencyKey: key() },
    });
    ok(moved);
    assert.deepEqual(await balances(account.id), { balance: "15.00", available: "15.00", status: "ACTIVE" });

    const bob = ok(await call("bob", `{ me { id } }`)).me.id;
    assert.equal(code(await call("alice", OPS.open, { input: { ownerId: bob, type: "CHECKING", currency: "USD" } })), "FORBIDDEN");
    assert.equal(code(await call("alice", OPS.open, { input: { type: "CHECKING", currency: "USD", overdraftLimit: "100.00" } })), "FORBIDDEN");
    assert.equal(code(await call("alice", OPS.open, { input: { type: "CHECKING", currency: "XXX" } })), "BAD_USER_INPUT");
    // Staff open for anyone, with an overdraft.
    const forAlice = await openAccount("teller", { ownerId: me.id, type: "CHECKING", currency: "USD", overdraftLimit: "50.00" });
    const seen = ok(await call("alice", `query($id: ID!) { account(id: $id) { owner { id } overdraftLimit { amount } } }`, { id: forAlice.id }));
    assert.deepEqual(seen.account, { owner: { id: me.id }, overdraftLimit: { amount: "50.00" } });
  });

  test("freeze stops debits (not credits), unfreeze restores them, and the history records each change", async () => {
    const account = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    await deposit(account.id, "100.00");
    assert.equal(code(await call("alice", OPS.freeze, { id: account.id, reason: "mine" })), "FORBIDDEN");
    assert.equal(ok(await call("teller", OPS.freeze, { id: account.id, reason: "suspicious activity" })).freezeAccount.status, "FROZEN");
    const target = ALICE_CHECKING;
    const debit = await call("alice", OPS.transfer, { input: { fromAccountId: account.id, toAccountNumber: target, amount: "1.00", idempotencyKey: key() } });
    assert.equal(code(debit), "ACCOUNT_FROZEN");
    const withdrawal = await call("teller", OPS.withdraw, { input: { accountId: account.id, amount: "1.00", idempotencyKey: key() } });
    assert.equal(code(withdrawal), "ACCOUNT_FROZEN");
    const hold = await call("alice", OPS.authorize, { input: { fromAccountId: account.id, toAccountNumber: target, amount: "1.00", idempotencyKey: key() } });
    assert.equal(code(hold), "ACCOUNT_FROZEN");
    await deposit(account.id, "1.00"); // credits still arrive
    // Freezing again is harmless and records nothing new.
    ok(await call("teller", OPS.freeze, { id: account.id, reason: "again" }));
    ok(await call("teller", OPS.unfreeze, { id: account.id, reason: "cleared" }));
    ok(await call("alice", OPS.transfer, { input: { fromAccountId: account.id, toAccountNumber: target, amount: "1.00", idempotencyKey: key() } }));
    const history = ok(await call("alice", `query($id: ID!) { account(id: $id) { status statusHistory { fromStatus toStatus reason changedBy } } }`, { id: account.id }));
    assert.equal(history.account.status, "ACTIVE");
    assert.deepEqual(
      history.account.statusHistory.map((change: any) => [change.fromStatus, change.toStatus, change.reason]),
      [[null, "ACTIVE", "opened"], ["ACTIVE", "FROZEN", "suspicious activity"], ["FROZEN", "ACTIVE", "cleared"]],
    );
    assert.ok(history.account.statusHistory[1].changedBy);
  });

  test("close needs a zero balance and no pending hold; a closed account takes neither debits nor credits", async () => {
    const account = await openAccount("bob", { type: "CHECKING", currency: "USD" });
    await deposit(account.id, "10.00");
    assert.equal(code(await call("bob", OPS.close, { id: account.id, reason: "moving" })), "ACCOUNT_NOT_EMPTY");
    const hold = ok(await call("bob", OPS.authorize, {
      input: { fromAccountId: account.id, toAccountNumber: BOB_CHECKING, amount: "10.00", idempotencyKey: key() },
    })).authorizeTransfer.hold;
    // The hold reserves all 10.00: even a teller cannot withdraw past it.
    const blocked = await call("teller", OPS.withdraw, { input: { accountId: account.id, amount: "0.01", idempotencyKey: key() } });
    assert.equal(code(blocked), "INSUFFICIENT_FUNDS");
    ok(await call("bob", OPS.void, { holdId: hold.id, key: key() }));
    ok(await call("teller", OPS.withdraw, { input: { accountId: account.id, amount: "10.00", idempotencyKey: key() } }));
    // Alice cannot close Bob's account: it looks unknown to her.
    assert.equal(code(await call("alice", OPS.close, { id: account.id, reason: "x" })), "NOT_FOUND");
    assert.equal(ok(await call("bob", OPS.close, { id: account.id, reason: "moving" })).closeAccount.status, "CLOSED");
    assert.equal(code(await call("teller", OPS.deposit, { input: { accountId: account.id, amount: "1.00", idempotencyKey: key() } })), "ACCOUNT_CLOSED");
    assert.equal(code(await call("teller", OPS.freeze, { id: account.id, reason: "x" })), "INVALID_STATE");
    assert.equal(code(await call("teller", OPS.unfreeze, { id: account.id, reason: "x" })), "INVALID_STATE");
  });

  test("accountByNumber is for staff and validates the number's check digits", async () => {
    const byNumber = `query($n: String!) { accountByNumber(number: $n) { id number owner { id } } }`;
    const found = ok(await call("teller", byNumber, { n: typed(BOB_CHECKING) }));
    assert.equal(found.accountByNumber.number, BOB_CHECKING);
    assert.equal(found.accountByNumber.owner.id, customers.bob);
    // The same number with other check digits.
    const wrongDigits = `FB${String((Number(BOB_CHECKING.slice(2, 4)) + 1) % 100).padStart(2, "0")}${BOB_CHECKING.slice(4)}`;
    assert.equal(code(await call("teller", byNumber, { n: wrongDigits })), "INVALID_ACCOUNT_NUMBER");
    assert.equal(code(await call("teller", byNumber, { n: "not a number" })), "INVALID_ACCOUNT_NUMBER");
    assert.equal(code(await call("teller", byNumber, { n: "" })), "INVALID_ACCOUNT_NUMBER");
    assert.equal(ok(await call("teller", byNumber, { n: UNUSED_NUMBER })).accountByNumber, null);
    assert.equal(code(await call("alice", byNumber, { n: BOB_CHECKING })), "FORBIDDEN");
  });
});

describe("money movement", () => {
  test("deposit, withdraw, transfer and reversal post balanced transactions; a reversal happens once", async () => {
    const a = await openAccount("alice", { type: "CHECKING", currency: "EUR" });
    const b = await openAccount("bob", { type: "CHECKING", currency: "EUR" });
    await deposit(a.id, "300.00");
    ok(await call("teller", OPS.withdraw, { input: { accountNumber: a.number, amount: "50.50", idempotencyKey: key() } }));
    const sent = ok(await call("alice", OPS.transfer, {
      input: { fromAccountId: a.id, toAccountId: b.id, amount: "99.99", reference: " rent ", idempotencyKey: key() },
    })).transfer;
    assert.deepEqual(sent.transaction.amount, { amount: "99.99", currency: "EUR" });
    assert.equal(sent.transaction.reference, "rent");
    assert.equal((await balances(a.id)).balance, "149.51");
    assert.equal((await balances(b.id)).balance, "99.99");

    assert.equal(code(await call("teller", OPS.reverse, { id: sent.transaction.id, reason: "fraud", key: key() })), "FORBIDDEN");
    const reversal = ok(await call("admin", OPS.reverse, { id: sent.transaction.id, reason: "fraud", key: key() })).reverseTransaction;
    assert.equal(reversal.transaction.kind, "REVERSAL");
    assert.equal(reversal.transaction.reverses.id, sent.transaction.id);
    assert.deepEqual(reversal.transaction.postings.map((p: any) => p.amount.amount).sort(), ["-99.99", "99.99"]);
    assert.equal((await balances(a.id)).balance, "249.50");
    assert.equal((await balances(b.id)).balance, "0.00");
    assert.equal(code(await call("admin", OPS.reverse, { id: sent.transaction.id, reason: "again", key: key() })), "ALREADY_REVERSED");
    assert.equal(code(await call("admin", OPS.reverse, { id: reversal.transaction.id, reason: "undo", key: key() })), "INVALID_STATE");
    const original = ok(await call("alice", `query($id: ID!) { transaction(id: $id) { reversedBy { id } } }`, { id: sent.transaction.id }));
    assert.equal(original.transaction.reversedBy.id, reversal.transaction.id);
  });

  test("an overdraft limit lets the balance go exactly that far below zero", async () => {
    const me = ok(await call("alice", `{ me { id } }`)).me.id;
    const account = await openAccount("teller", { ownerId: me, type: "CHECKING", currency: "USD", overdraftLimit: "50.00" });
    const out = (amount: string) =>
      call("alice", OPS.transfer, { input: { fromAccountId: account.id, toAccountNumber: BOB_CHECKING, amount, idempotencyKey: key() } });
    assert.equal(code(await out("50.01")), "INSUFFICIENT_FUNDS");
    ok(await out("50.00"));
    assert.equal((await balances(account.id)).balance, "-50.00");
    assert.equal(code(await out("0.01")), "INSUFFICIENT_FUNDS");
    // An account that is overdrawn cannot be closed.
    assert.equal(code(await call("alice", OPS.close, { id: account.id, reason: "x" })), "ACCOUNT_NOT_EMPTY");
  });

  test("holds: authorize lowers the available balance only; capture (partial) and void settle once", async () => {
    const from = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const to = await openAccount("bob", { type: "CHECKING", currency: "USD" });
    await deposit(from.id, "100.00");
    const authorize = (amount: string) =>
      call("alice", OPS.authorize, { input: { fromAccountId: from.id, toAccountId: to.id, amount, idempotencyKey: key() } });
    const first = ok(await authorize("60.00")).authorizeTransfer.hold;
    assert.equal(first.status, "PENDING");
    assert.deepEqual(await balances(from.id, "alice"), { balance: "100.00", available: "40.00", status: "ACTIVE" });
    assert.equal(code(await authorize("40.01")), "INSUFFICIENT_FUNDS");
    // A plain transfer cannot spend held funds either.
    const spend = await call("alice", OPS.transfer, { input: { fromAccountId: from.id, toAccountId: to.id, amount: "40.01", idempotencyKey: key() } });
    assert.equal(code(spend), "INSUFFICIENT_FUNDS");
    const second = ok(await authorize("30.00")).authorizeTransfer.hold;
    assert.equal((await balances(from.id)).available, "10.00");

    assert.equal(code(await call("alice", OPS.capture, { input: { holdId: first.id, amount: "60.01", idempotencyKey: key() } })), "INVALID_AMOUNT");
    const captured = ok(await call("alice", OPS.capture, { input: { holdId: first.id, amount: "45.00", idempotencyKey: key() } })).captureTransfer;
    assert.equal(captured.transaction.amount.amount, "45.00");
    // 100 − 45 captured; the other 15 of the first hold is released; 30 still held.
    assert.deepEqual(await balances(from.id), { balance: "55.00", available: "25.00", status: "ACTIVE" });
    assert.equal((await balances(to.id)).balance, "45.00");
    assert.equal(code(await call("alice", OPS.capture, { input: { holdId: first.id, idempotencyKey: key() } })), "HOLD_NOT_PENDING");
    assert.equal(code(await call("alice", OPS.void, { holdId: first.id, key: key() })), "HOLD_NOT_PENDING");

    // Bob (the payee) cannot see or settle Alice's hold: it looks unknown.
    assert.equal(code(await call("bob", OPS.void, { holdId: second.id, key: key() })), "NOT_FOUND");
    assert.equal(ok(await call("bob", `query($id: ID!) { hold(id: $id) { id } }`, { id: second.id })).hold, null);
    assert.equal(ok(await call("alice", OPS.void, { holdId: second.id, key: key() })).voidTransfer.hold.status, "VOIDED");
    assert.deepEqual(await balances(from.id), { balance: "55.00", available: "55.00", status: "ACTIVE" });
    const hold = ok(await call("alice", `query($id: ID!) { hold(id: $id) { status capturedAmount { amount } transaction { id } } }`, { id: first.id })).hold;
    assert.deepEqual(hold, { status: "CAPTURED", capturedAmount: { amount: "45.00" }, transaction: { id: captured.transaction.id } });
  });

  test("history pages forward and backward with stable cursors, and filters by time, kind and amount", async () => {
    const account = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const amounts = ["1.00", "2.00", "3.00", "4.00", "5.00", "6.00"];
    for (const amount of amounts) await deposit(account.id, amount);
    const middle = new Date().toISOString();
    ok(await call("teller", OPS.withdraw, { input: { accountId: account.id, amount: "7.00", idempotencyKey: key() } }));
    const page = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: TransactionFilter) {
      account(id: $id) { transactions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        edges { cursor node { kind amount { amount } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const get = async (variables: Record<string, unknown>) =>
      ok(await call("alice", page, { id: account.id, ...variables })).account.transactions;
    const amountsOf = (connection: any) => connection.edges.map((edge: any) => edge.node.amount.amount);

    const p1 = await get({ first: 3 });
    assert.deepEqual(amountsOf(p1), ["7.00", "6.00", "5.00"]);
    assert.deepEqual([p1.pageInfo.hasNextPage, p1.pageInfo.hasPreviousPage], [true, false]);
    const p2 = await get({ first: 3, after: p1.pageInfo.endCursor });
    assert.deepEqual(amountsOf(p2), ["4.00", "3.00", "2.00"]);
    const p3 = await get({ first: 3, after: p2.pageInfo.endCursor });
    assert.deepEqual(amountsOf(p3), ["1.00"]);
    assert.equal(p3.pageInfo.hasNextPage, false);
    // Backward: the last 2 (oldest), then the 2 before (newer than) them.
    const b1 = await get({ last: 2 });
    assert.deepEqual(amountsOf(b1), ["2.00", "1.00"]);
    assert.equal(b1.pageInfo.hasPreviousPage, true);
    const b2 = await get({ last: 2, before: b1.pageInfo.startCursor });
    assert.deepEqual(amountsOf(b2), ["4.00", "3.00"]);
    // New postings do not shift existing cursors.
    await deposit(account.id, "8.00");
    assert.deepEqual(amountsOf(await get({ first: 3, after: p1.pageInfo.endCursor })), ["4.00", "3.00", "2.00"]);

    assert.deepEqual(amountsOf(await get({ first: 10, filter: { kind: ["WITHDRAWAL"] } })), ["7.00"]);
    assert.deepEqual(amountsOf(await get({ first: 10, filter: { minAmount: "5.5" } })), ["8.00", "7.00", "6.00"]);
    assert.deepEqual(amountsOf(await get({ first: 10, filter: { from: middle, kind: ["DEPOSIT"] } })), ["8.00"]);
    assert.deepEqual(amountsOf(await get({ first: 10, filter: { to: middle } })), ["6.00", "5.00", "4.00", "3.00", "2.00", "1.00"]);
    assert.equal(code(await call("alice", page, { id: account.id, first: 1, last: 1 })), "BAD_USER_INPUT");
    assert.equal(code(await call("alice", page, { id: account.id, first: 101 })), "BAD_USER_INPUT");
    assert.equal(code(await call("alice", page, { id: account.id, after: "garbage" })), "BAD_USER_INPUT");
    assert.equal(code(await call("alice", page, { id: account.id, filter: { minAmount: "1.001" } })), "INVALID_AMOUNT");
  });
});

describe("authorization: a customer moves and sees only their own money", () => {
  test("another customer's account looks exactly like an unknown one", async () => {
    const bobAccount = await openAccount("bob", { type: "CHECKING", currency: "USD" });
    await deposit(bobAccount.id, "10.00");
    const aliceAccount = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const attempt = (fromAccountId: string) =>
      call("alice", OPS.transfer, { input: { fromAccountId, toAccountId: aliceAccount.id, amount: "1.00", idempotencyKey: key() } });
    const theirs = await attempt(bobAccount.id);
    const unknown = await attempt(randomUUID());
    assert.equal(code(theirs), "NOT_FOUND");
    assert.deepEqual(theirs.errors?.map((e) => [e.message, e.extensions?.code]), unknown.errors?.map((e) => [e.message, e.extensions?.code]));
    const hold = await call("alice", OPS.authorize, { input: { fromAccountId: bobAccount.id, toAccountId: aliceAccount.id, amount: "1.00", idempotencyKey: key() } });
    assert.equal(code(hold), "NOT_FOUND");
    assert.equal(code(await call("alice", OPS.deposit, { input: { accountId: aliceAccount.id, amount: "1.00", idempotencyKey: key() } })), "FORBIDDEN");
    assert.equal(code(await call("alice", OPS.reverse, { id: randomUUID(), reason: "x", key: key() })), "FORBIDDEN");
    assert.equal(code(await call("alice", OPS.balances, { id: bobAccount.id })), "FORBIDDEN");
    assert.equal((await balances(bobAccount.id)).balance, "10.00");
    // Staff may move any customer's money.
    ok(await call("teller", OPS.transfer, { input: { fromAccountId: bobAccount.id, toAccountId: aliceAccount.id, amount: "1.00", idempotencyKey: key() } }));
    const anonymous = (await graphql(platform.routerUrl, OPS.transfer, { input: { fromAccountId: bobAccount.id, toAccountId: aliceAccount.id, amount: "1.00", idempotencyKey: key() } })).body as Body;
    assert.equal(code(anonymous), "UNAUTHENTICATED");
  });
});

describe("what a transaction's postings show to whom", () => {
  test("a customer sees the other side of a transfer but not its balance, and never the bank's settlement position", async () => {
    const aliceAccount = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const bobAccount = await openAccount("bob", { type: "CHECKING", currency: "USD" });
    const deposited = await deposit(aliceAccount.id, "30.00");
    const sent = ok(await call("alice", OPS.transfer, {
      input: { fromAccountId: aliceAccount.id, toAccountId: bobAccount.id, amount: "12.00", idempotencyKey: key() },
    })).transfer.transaction;
    const POSTINGS = `query Postings($id: ID!) { transaction(id: $id) { postings { bankSide amount { amount } balanceAfter { amount } account { id } } } }`;
    const legs = async (who: string, id: string) => ok(await call(who, POSTINGS, { id })).transaction.postings as {
      bankSide: boolean; amount: { amount: string }; balanceAfter: { amount: string } | null; account: { id: string } | null;
    }[];

    const aliceView = await legs("alice", sent.id);
    const own = aliceView.find((leg) => leg.account?.id === aliceAccount.id)!;
    const theirs = aliceView.find((leg) => leg.account?.id === bobAccount.id)!;
    assert.deepEqual([own.amount.amount, own.balanceAfter?.amount], ["-12.00", "18.00"]);
    assert.deepEqual([theirs.amount.amount, theirs.balanceAfter], ["12.00", null], "bob's balance is not alice's to see");
    const bobView = await legs("bob", sent.id);
    assert.equal(bobView.find((leg) => leg.account?.id === bobAccount.id)!.balanceAfter?.amount, "12.00");
    assert.equal(bobView.find((leg) => leg.account?.id === aliceAccount.id)!.balanceAfter, null);

    const depositView = await legs("alice", deposited.transaction.id);
    const bankLeg = depositView.find((leg) => leg.bankSide)!;
    assert.deepEqual([bankLeg.account, bankLeg.balanceAfter, bankLeg.amount.amount], [null, null, "-30.00"]);
    const tellerView = await legs("teller", deposited.transaction.id);
    assert.ok(tellerView.find((leg) => leg.bankSide)!.balanceAfter, "staff see the settlement balance");
  });
});

describe("bad input is refused with a clear code and moves nothing", () => {
  test("amounts, accounts, numbers and currencies", async () => {
    const usd = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const usd2 = await openAccount("alice", { type: "SAVINGS", currency: "USD" });
    const eur = await openAccount("alice", { type: "CHECKING", currency: "EUR" });
    const jpy = await openAccount("alice", { type: "CHECKING", currency: "JPY" });
    await deposit(usd.id, "100.00");
    await deposit(jpy.id, "1000");
    const before = await ledgerCounts();
    const transfer = (input: Record<string, unknown>) =>
      call("alice", OPS.transfer, { input: { fromAccountId: usd.id, toAccountId: usd2.id, amount: "1.00", idempotencyKey: key(), ...input } });
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: "-1.00" }, "INVALID_AMOUNT"],
      [{ amount: "0" }, "INVALID_AMOUNT"],
      [{ amount: "0.00" }, "INVALID_AMOUNT"],
      [{ amount: "1.001" }, "INVALID_AMOUNT"],
      [{ amount: "1e3" }, "INVALID_AMOUNT"],
      [{ amount: "abc" }, "INVALID_AMOUNT"],
      [{ amount: "" }, "INVALID_AMOUNT"],
      [{ amount: "NaN" }, "INVALID_AMOUNT"],
      [{ amount: "1,00" }, "INVALID_AMOUNT"],
      [{ amount: "99999999999999999999.99" }, "INVALID_AMOUNT"],
      [{ amount: "1000000000000000.01" }, "INVALID_AMOUNT"],
      [{ amount: "100.01" }, "INSUFFICIENT_FUNDS"],
      [{ toAccountId: randomUUID() }, "NOT_FOUND"],
      [{ toAccountId: "not-a-uuid" }, "NOT_FOUND"],
      [{ fromAccountId: randomUUID() }, "NOT_FOUND"],
      [{ toAccountId: null, toAccountNumber: "FB00FDBK00000000000001" }, "INVALID_ACCOUNT_NUMBER"],
      [{ toAccountId: null, toAccountNumber: "hello" }, "INVALID_ACCOUNT_NUMBER"],
      [{ toAccountId: null, toAccountNumber: UNUSED_NUMBER }, "NOT_FOUND"],
      [{ toAccountNumber: ALICE_CHECKING }, "BAD_USER_INPUT"],
      [{ toAccountId: eur.id }, "CURRENCY_MISMATCH"],
      [{ toAccountId: usd.id }, "SAME_ACCOUNT"],
      [{ idempotencyKey: "" }, "BAD_USER_INPUT"],
      [{ idempotencyKey: "k".repeat(201) }, "BAD_USER_INPUT"],
    ];
    for (const [input, expected] of cases) {
      assert.equal(code(await transfer(input)), expected, JSON.stringify(input));
    }
    const jpyTransfer = await call("alice", OPS.transfer, { input: { fromAccountId: jpy.id, toAccountNumber: BOB_JPY, amount: "1.5", idempotencyKey: key() } });
    assert.equal(code(jpyTransfer), "INVALID_AMOUNT");
    assert.equal(code(await call("teller", OPS.deposit, { input: { accountId: usd.id, amount: "-5", idempotencyKey: key() } })), "INVALID_AMOUNT");
    assert.equal(code(await call("teller", OPS.deposit, { input: { accountNumber: "FB26 0000", amount: "5", idempotencyKey: key() } })), "INVALID_ACCOUNT_NUMBER");
    assert.equal(code(await call("teller", OPS.withdraw, { input: { accountId: usd.id, amount: "100.01", idempotencyKey: key() } })), "INSUFFICIENT_FUNDS");
    assert.deepEqual(await ledgerCounts(), before, "nothing moved");
    assert.equal((await balances(usd.id)).balance, "100.00");
    assert.equal((await balances(usd2.id)).balance, "0.00");
  });
});

describe("idempotency", () => {
  test("a sequential retry replays the original result and moves nothing; another body with the key is refused", async () => {
    const from = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const to = await openAccount("bob", { type: "CHECKING", currency: "USD" });
    await deposit(from.id, "50.00");
    const input = { fromAccountId: from.id, toAccountId: to.id, amount: "10.00", reference: "once", idempotencyKey: "pay-rent-2026-11" };
    const first = ok(await call("alice", OPS.transfer, { input })).transfer;
    const retry = ok(await call("alice", OPS.transfer, { input })).transfer;
    assert.equal(first.replayed, false);
    assert.equal(retry.replayed, true);
    assert.equal(retry.transaction.id, first.transaction.id);
    assert.equal((await balances(from.id)).balance, "40.00");
    // Same key, same meaning ("10" is "10.00"): still a replay.
    assert.equal(ok(await call("alice", OPS.transfer, { input: { ...input, amount: "10" } })).transfer.replayed, true);
    assert.equal(code(await call("alice", OPS.transfer, { input: { ...input, amount: "11.00" } })), "IDEMPOTENCY_KEY_REUSED");
    assert.equal(code(await call("alice", OPS.transfer, { input: { ...input, reference: "twice" } })), "IDEMPOTENCY_KEY_REUSED");
    assert.equal(code(await call("alice", OPS.authorize, { input })), "IDEMPOTENCY_KEY_REUSED");
    // Keys are scoped per caller: the teller's identical key is a different request.
    const teller = ok(await call("teller", OPS.transfer, { input })).transfer;
    assert.equal(teller.replayed, false);
    assert.notEqual(teller.transaction.id, first.transaction.id);
    assert.equal((await balances(from.id)).balance, "30.00");
  });

  test("a refused attempt does not poison its key", async () => {
    const from = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const input = { fromAccountId: from.id, toAccountNumber: BOB_CHECKING, amount: "5.00", idempotencyKey: key() };
    assert.equal(code(await call("alice", OPS.transfer, { input })), "INSUFFICIENT_FUNDS");
    await deposit(from.id, "5.00");
    assert.equal(ok(await call("alice", OPS.transfer, { input })).transfer.replayed, false);
    assert.equal((await balances(from.id)).balance, "0.00");
  });

  test("ten concurrent identical requests move the money once and all answer with the same transaction", async () => {
    const from = await openAccount("alice", { type: "CHECKING", currency: "USD" });
    const to = await openAccount("bob", { type: "CHECKING", currency: "USD" });
    await deposit(from.id, "100.00");
    const input = { fromAccountId: from.id, toAccountId: to.id, amount: "7.00", idempotencyKey: key() };
    const results = await Promise.all(Array.from({ length: 10 }, () => call("alice", OPS.transfer, { input })));
    const ids = new Set(results.map((body) => ok(body).transfer.transaction.id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((body) => body.data.transfer.replayed === false).length, 1);
    assert.equal((await balances(from.id)).balance, "93.00");
    assert.equal((await balances(to.id)).balance, "7.00");
    // Same for concurrent deposits by a teller.
    const depositInput = { accountId: from.id, amount: "1.00", idempotencyKey: key() };
    const deposits = await Promise.all(Array.from({ length: 10 }, () => call("teller", OPS.deposit, { input: depositInput })));
    assert.equal(new Set(deposits.map((body) => ok(body).deposit.transaction.id)).size, 1);
    assert.equal((await balances(from.id)).balance, "94.00");
  });

  test("the ledger's invariants hold after all of the above", async () => {
    // The whole shared ledger: every committed state must satisfy them, whoever else is posting.
    assert.deepEqual(await ledgerInvariantViolations((text) => sql.query(text)), []);
  });
});

describe("the database refuses what the service must never do", () => {
  test("postings, transactions and idempotency keys are append-only; holds change once", async () => {
    // On the suite's own rows (the guards are per row; the shared ledger's other rows are not the suite's to risk).
    const owners = Object.values(customers);
    const ownAccounts = `(SELECT id FROM ledger.ledger_accounts WHERE owner_id = ANY($1::uuid[]))`;
    const parameters = (where: string) => (where.includes("$1") ? [owners] : []);
    const own = async (table: string, where: string) => Number((await sql.query(`SELECT count(*) FROM ${table} WHERE ${where}`, parameters(where))).rows[0].count);
    const statements: [string, string, string][] = [
      ["UPDATE ledger.postings SET amount_minor = amount_minor + 1", "ledger.postings", `account_id IN ${ownAccounts}`],
      ["DELETE FROM ledger.transactions", "ledger.transactions", `id IN (SELECT transaction_id FROM ledger.postings WHERE account_id IN ${ownAccounts})`],
      ["UPDATE ledger.idempotency_keys SET fingerprint = fingerprint", "ledger.idempotency_keys", "caller_id = ANY($1::uuid[])"],
      ["DELETE FROM ledger.idempotency_keys", "ledger.idempotency_keys", "caller_id = ANY($1::uuid[])"],
      ["DELETE FROM ledger.holds", "ledger.holds", `account_id IN ${ownAccounts}`],
      ["UPDATE ledger.holds SET status = 'PENDING'", "ledger.holds", `account_id IN ${ownAccounts} AND status <> 'PENDING'`],
      ["UPDATE ledger.ledger_accounts SET balance_minor = balance_minor + 1", "ledger.ledger_accounts", "kind = 'SETTLEMENT'"],
    ];
    for (const [statement, table, where] of statements) {
      assert.ok((await own(table, where)) > 0, `${statement}: the suite has rows it applies to`);
      await assert.rejects(sql.query(`${statement} WHERE ${where}`, parameters(where)), /append-only|may only change|younger than 24 hours|not explained/, statement);
    }
  });
});

describe("idempotency key retention", () => {
  test("keys older than the retention period are purged; younger ones stay", async () => {
    // A database of its own (no platform): the purge is database-wide, and other suites' keys are not its to purge.
    const database = await createTestDatabase();
    const db = createDatabase({ url: database.url, poolSize: 1 });
    const sql = db.pool;
    try {
      await sql.query(`INSERT INTO ledger.idempotency_keys (caller_id, key, operation, fingerprint, result_id, created_at)
        VALUES (gen_random_uuid(), 'old-key', 'transfer', repeat('0', 64), gen_random_uuid(), now() - interval '73 hours')`);
      const count = async () => Number((await sql.query("SELECT count(*) FROM ledger.idempotency_keys")).rows[0].count);
      const before = await count();
      assert.equal(await purgeIdempotencyKeys(db.prisma, 72), 1);
      assert.equal(await count(), before - 1);
      // Asking for less than 24 h still keeps a day's keys.
      assert.equal(await purgeIdempotencyKeys(db.prisma, 1), 0);
    } finally {
      await db.close();
      await database.drop();
    }
  });
});

describe("holds expire", () => {
  // A platform of its own: holds that live three seconds (HOLD_TTL_SECONDS) would expire under every other
  // suite on the shared one, and a hold's expiry is fixed when it is made (the database keeps it). One second
  // was too short on a busy machine: the hold had expired before the next request read the balance.
  const expiring = usePlatform({ HOLD_TTL_SECONDS: "3", SEED_DEMO_DATA: "false" });
  const expiringDb = useDatabase(expiring);

  test("an expired hold stops reserving funds and can no longer be captured", async () => {
    const customer = await buildCustomer(expiringDb.prisma, uniqueEmail("expiring-alice"), STRONG_PASSWORD);
    const staff = await buildCustomer(expiringDb.prisma, uniqueEmail("expiring-teller"), STRONG_PASSWORD, "TELLER");
    const [from, payee] = await buildAccountsWithHistory(expiringDb.prisma, customer.id, 2, 0);
    const alice = await login(expiring.routerUrl, customer.email, STRONG_PASSWORD);
    const teller = await login(expiring.routerUrl, staff.email, STRONG_PASSWORD);
    const run = async (query: string, variables: Record<string, unknown>, token = alice) => (await graphql(expiring.routerUrl, query, variables, token)).body as Body;
    ok(await run(OPS.deposit, { input: { accountId: from, amount: "20.00", idempotencyKey: key() } }, teller));
    const hold = ok(await run(OPS.authorize, {
      input: { fromAccountId: from, toAccountId: payee, amount: "15.00", idempotencyKey: key() },
    })).authorizeTransfer.hold;
    assert.equal(ok(await run(OPS.balances, { id: from })).account.availableBalance.amount, "5.00");
    // Once its three seconds have passed, the hold reserves nothing (read until then, not slept for).
    const available = () => run(OPS.balances, { id: from }).then((body) => ok(body).account.availableBalance.amount as string);
    assert.equal(await eventually("the expired hold's funds available again", available, (amount) => amount === "20.00"), "20.00");
    assert.equal(ok(await run(`query($id: ID!) { hold(id: $id) { status } }`, { id: hold.id })).hold.status, "EXPIRED");
    assert.equal(code(await run(OPS.capture, { input: { holdId: hold.id, idempotencyKey: key() } })), "HOLD_NOT_PENDING");
    // The funds are spendable again.
    ok(await run(OPS.transfer, { input: { fromAccountId: from, toAccountId: payee, amount: "20.00", idempotencyKey: key() } }));
  });
});
