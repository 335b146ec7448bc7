// The ledger's own rules, in-process (subgraph schema executed directly, real Postgres, no router): postings
// that balance, limits (balance, overdraft, holds), idempotency, frozen accounts, who may move and read what,
// and the `_entities` the router fetches. Written against the public GraphQL operations only.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { computeCheckDigits } from "#domain/account-number.js";
import { createDatabase, type Database } from "#kernel/db.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/stack.js";
import { callerOf, errorCode, inProcessSubgraph, type ExecutionResult, type InProcessSubgraph } from "../../../test/support/subgraph.js";
import { createLedgerLoaders } from "../src/loaders.js";
import { resolvers } from "../src/resolvers/index.js";

let database: TestDatabase;
let db: Database;
let ledger: InProcessSubgraph;

const teller = callerOf(randomUUID(), "TELLER");
const admin = callerOf(randomUUID(), "ADMIN");

before(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 4 });
  // The context the service builds for each request (service.ts), minus its process-wide limiter.
  ledger = await inProcessSubgraph("transactions", resolvers, (base) => ({
    ...base,
    db: db.prisma,
    pool: db.pool,
    loaders: createLedgerLoaders(db.prisma),
    holdTtlSeconds: 900,
  }));
});

after(async () => {
  await db?.close();
  await database?.drop();
});

let nextNumber = 0;
/** A valid IBAN-style number of the bank's format, unique in this run. */
function accountNumber(): string {
  const bban = `FDBK${String(Date.now() % 1e9).padStart(9, "0")}${String(++nextNumber).padStart(5, "0")}`;
  return `FB${computeCheckDigits("FB", bban)}${bban}`;
}

function data<T>(result: ExecutionResult<T>): T {
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!;
}

/** A customer account registered with the ledger (as the accounts service does when it opens one). */
async function openAccount(ownerId: string, options: { currency?: string; overdraftMinor?: number } = {}): Promise<string> {
  const accountId = randomUUID();
  data(await ledger.execute(
    `mutation($input: RegisterLedgerAccountInput!) { registerLedgerAccount(input: $input) { accountId status } }`,
    { input: { accountId, ownerId, number: accountNumber(), currency: options.currency ?? "USD", overdraftLimitMinor: String(options.overdraftMinor ?? 0) } },
    teller,
  ));
  return accountId;
}

const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { replayed transaction { id kind amount { amount currency } postings { amount { amount } } } } }`;
const WITHDRAW = `mutation($input: WithdrawInput!) { withdraw(input: $input) { replayed transaction { id } } }`;
const TRANSFER = `mutation($input: TransferInput!) { transfer(input: $input) { replayed transaction { id kind amount { amount } postings { amount { amount } } } } }`;
const AUTHORIZE = `mutation($input: TransferInput!) { authorizeTransfer(input: $input) { hold { id status amount { amount } } } }`;
const CAPTURE = `mutation($input: CaptureInput!) { captureTransfer(input: $input) { transaction { id amount { amount } } } }`;
const VOID = `mutation($id: ID!, $key: String!) { voidTransfer(holdId: $id, idempotencyKey: $key) { hold { id status } } }`;
const REVERSE = `mutation($id: ID!, $key: String!) { reverseTransaction(id: $id, reason: "test", idempotencyKey: $key) { transaction { id kind reverses { id } } } }`;
const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Account { id balance { amount currency } availableBalance { amount } transactions(first: 10) { edges { node { id kind amount { amount } } } } }
  ... on Transaction { id kind amount { amount currency } }
} }`;

async function deposit(accountId: string, amount: string) {
  return data(await ledger.execute(DEPOSIT, { input: { accountId, amount, idempotencyKey: randomUUID() } }, teller));
}

async function balances(accountId: string, caller = teller): Promise<{ balance: string; available: string }> {
  const result = data(await ledger.execute<{ _entities: { balance: { amount: string }; availableBalance: { amount: string } }[] }>(
    ENTITIES, { representations: [{ __typename: "Account", id: accountId }] }, caller));
  return { balance: result._entities[0]!.balance.amount, available: result._entities[0]!.availableBalance.amount };
}

const sumOf = (postings: { amount: { amount: string } }[]) => postings.reduce((sum, posting) => sum + Math.round(Number(posting.amount.amount) * 100), 0);

describe("postings", () => {
  test("a deposit credits the account with two legs that sum to zero", async () => {
    const account = await openAccount(randomUUID());
    const { deposit: result } = await deposit(account, "120.50");
    assert.equal(result.transaction.kind, "DEPOSIT");
    assert.deepEqual(result.transaction.amount, { amount: "120.50", currency: "USD" });
    assert.equal(result.transaction.postings.length, 2);
    assert.equal(sumOf(result.transaction.postings), 0);
    assert.deepEqual(await balances(account), { balance: "120.50", available: "120.50" });
  });

  test("a transfer moves the amount from one account to the other and balances", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId), await openAccount(randomUUID())];
    await deposit(from!, "100.00");
    const moved = data(await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount: "30.25", idempotencyKey: randomUUID() } }, owner));
    assert.equal(moved.transfer.transaction.kind, "TRANSFER");
    assert.equal(sumOf(moved.transfer.transaction.postings), 0);
    assert.equal((await balances(from!)).balance, "69.75");
    assert.equal((await balances(to!)).balance, "30.25");
  });

  test("a reversal (admin) restores both balances and points at what it reverses", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId), await openAccount(randomUUID())];
    await deposit(from!, "10.00");
    const sent = data(await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount: "4.00", idempotencyKey: randomUUID() } }, owner));
    const reversal = data(await ledger.execute(REVERSE, { id: sent.transfer.transaction.id, key: randomUUID() }, admin));
    assert.equal(reversal.reverseTransaction.transaction.kind, "REVERSAL");
    assert.equal(reversal.reverseTransaction.transaction.reverses.id, sent.transfer.transaction.id);
    assert.equal((await balances(from!)).balance, "10.00");
    assert.equal((await balances(to!)).balance, "0.00");
    assert.equal(errorCode(await ledger.execute(REVERSE, { id: sent.transfer.transaction.id, key: randomUUID() }, admin)), "ALREADY_REVERSED");
  });
});

describe("limits", () => {
  test("no debit below zero without an overdraft: refused with INSUFFICIENT_FUNDS, nothing moved", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId), await openAccount(randomUUID())];
    await deposit(from!, "50.00");
    const refused = await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount: "50.01", idempotencyKey: randomUUID() } }, owner);
    assert.equal(errorCode(refused), "INSUFFICIENT_FUNDS");
    assert.equal(errorCode(await ledger.execute(WITHDRAW, { input: { accountId: from, amount: "50.01", idempotencyKey: randomUUID() } }, teller)), "INSUFFICIENT_FUNDS");
    assert.equal((await balances(from!)).balance, "50.00");
    assert.equal((await balances(to!)).balance, "0.00");
    data(await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount: "50.00", idempotencyKey: randomUUID() } }, owner));
    assert.equal((await balances(from!)).balance, "0.00");
  });

  test("an overdraft lets the balance go down to minus the limit, and not one cent further", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId, { overdraftMinor: 2_500 }), await openAccount(randomUUID())];
    await deposit(from!, "10.00");
    const transfer = (amount: string) => ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount, idempotencyKey: randomUUID() } }, owner);
    data(await transfer("35.00"));
    assert.equal((await balances(from!)).balance, "-25.00");
    assert.equal(errorCode(await transfer("0.01")), "INSUFFICIENT_FUNDS");
  });

  test("a pending hold counts against the available balance: capture moves at most the held amount, void releases it", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId), await openAccount(randomUUID())];
    await deposit(from!, "100.00");
    const authorize = (amount: string) => ledger.execute(AUTHORIZE, { input: { fromAccountId: from, toAccountId: to, amount, idempotencyKey: randomUUID() } }, owner);
    const first = data(await authorize("60.00")).authorizeTransfer.hold;
    assert.equal(first.status, "PENDING");
    assert.deepEqual(await balances(from!), { balance: "100.00", available: "40.00" });
    assert.equal(errorCode(await authorize("40.01")), "INSUFFICIENT_FUNDS");
    const spend = await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount: "40.01", idempotencyKey: randomUUID() } }, owner);
    assert.equal(errorCode(spend), "INSUFFICIENT_FUNDS", "a transfer cannot spend held funds either");
    assert.equal(errorCode(await ledger.execute(CAPTURE, { input: { holdId: first.id, amount: "60.01", idempotencyKey: randomUUID() } }, owner)), "INVALID_AMOUNT");
    const captured = data(await ledger.execute(CAPTURE, { input: { holdId: first.id, amount: "25.00", idempotencyKey: randomUUID() } }, owner));
    assert.equal(captured.captureTransfer.transaction.amount.amount, "25.00");
    assert.deepEqual(await balances(from!), { balance: "75.00", available: "75.00" });
    const second = data(await authorize("70.00")).authorizeTransfer.hold;
    assert.equal((await balances(from!)).available, "5.00");
    assert.equal(data(await ledger.execute(VOID, { id: second.id, key: randomUUID() }, owner)).voidTransfer.hold.status, "VOIDED");
    assert.deepEqual(await balances(from!), { balance: "75.00", available: "75.00" });
    assert.equal(errorCode(await ledger.execute(CAPTURE, { input: { holdId: second.id, idempotencyKey: randomUUID() } }, owner)), "HOLD_NOT_PENDING");
  });

  test("a frozen account cannot be debited; unfrozen, it can", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId), await openAccount(randomUUID())];
    await deposit(from!, "20.00");
    const setState = (status: string) => ledger.execute(`mutation($id: ID!, $s: String!) { setLedgerAccountState(accountId: $id, status: $s) { status } }`, { id: from, s: status }, teller);
    assert.equal(data(await setState("FROZEN")).setLedgerAccountState.status, "FROZEN");
    const transfer = () => ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount: "1.00", idempotencyKey: randomUUID() } }, owner);
    assert.equal(errorCode(await transfer()), "ACCOUNT_FROZEN");
    assert.equal(errorCode(await ledger.execute(WITHDRAW, { input: { accountId: from, amount: "1.00", idempotencyKey: randomUUID() } }, teller)), "ACCOUNT_FROZEN");
    data(await setState("ACTIVE"));
    data(await transfer());
    assert.equal((await balances(from!)).balance, "19.00");
  });

  test("amounts: exact decimals of the currency's scale, positive; currencies must match", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to, euros] = [await openAccount(owner.userId), await openAccount(randomUUID()), await openAccount(randomUUID(), { currency: "EUR" })];
    await deposit(from!, "10.00");
    for (const amount of ["-1.00", "0.00", "1.001", "1e3", "abc"]) {
      const result = await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: to, amount, idempotencyKey: randomUUID() } }, owner);
      assert.equal(errorCode(result), "INVALID_AMOUNT", amount);
    }
    const mismatch = await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: euros, amount: "1.00", idempotencyKey: randomUUID() } }, owner);
    assert.equal(errorCode(mismatch), "CURRENCY_MISMATCH");
    const same = await ledger.execute(TRANSFER, { input: { fromAccountId: from, toAccountId: from, amount: "1.00", idempotencyKey: randomUUID() } }, owner);
    assert.equal(errorCode(same), "SAME_ACCOUNT");
    assert.equal((await balances(from!)).balance, "10.00");
  });
});

describe("idempotency", () => {
  test("a retry with the same key and input replays the original and moves nothing; other input with that key is refused", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const [from, to] = [await openAccount(owner.userId), await openAccount(randomUUID())];
    await deposit(from!, "10.00");
    const input = { fromAccountId: from, toAccountId: to, amount: "3.00", idempotencyKey: randomUUID() };
    const first = data(await ledger.execute(TRANSFER, { input }, owner));
    const retry = data(await ledger.execute(TRANSFER, { input }, owner));
    assert.equal(first.transfer.replayed, false);
    assert.equal(retry.transfer.replayed, true);
    assert.equal(retry.transfer.transaction.id, first.transfer.transaction.id);
    assert.equal((await balances(from!)).balance, "7.00");
    assert.equal(errorCode(await ledger.execute(TRANSFER, { input: { ...input, amount: "4.00" } }, owner)), "IDEMPOTENCY_KEY_REUSED");
    assert.equal((await balances(from!)).balance, "7.00");
  });
});

describe("who may move and read what", () => {
  test("only staff deposit; a customer debits only their own account", async () => {
    const alice = callerOf(randomUUID(), "CUSTOMER");
    const [mine, theirs] = [await openAccount(alice.userId), await openAccount(randomUUID())];
    await deposit(theirs!, "10.00");
    assert.equal(errorCode(await ledger.execute(DEPOSIT, { input: { accountId: mine, amount: "1.00", idempotencyKey: randomUUID() } }, alice)), "FORBIDDEN");
    const stolen = await ledger.execute(TRANSFER, { input: { fromAccountId: theirs, toAccountId: mine, amount: "1.00", idempotencyKey: randomUUID() } }, alice);
    assert.ok(["FORBIDDEN", "NOT_FOUND"].includes(errorCode(stolen) ?? ""), JSON.stringify(stolen.errors));
    assert.equal((await balances(theirs!)).balance, "10.00");
    assert.equal(errorCode(await ledger.execute(REVERSE, { id: randomUUID(), key: randomUUID() }, teller)), "FORBIDDEN", "reversals are for admins");
  });

  test("_entities: the owner and staff read an account's balance and history; another customer gets FORBIDDEN", async () => {
    const owner = callerOf(randomUUID(), "CUSTOMER");
    const account = await openAccount(owner.userId);
    const { deposit: posted } = await deposit(account, "42.00");
    const representations = [{ __typename: "Account", id: account }, { __typename: "Transaction", id: posted.transaction.id }];
    for (const reader of [owner, teller]) {
      const result = data(await ledger.execute<{ _entities: any[] }>(ENTITIES, { representations }, reader));
      assert.deepEqual(result._entities[0].balance, { amount: "42.00", currency: "USD" });
      assert.deepEqual(result._entities[0].transactions.edges.map((edge: any) => [edge.node.kind, edge.node.amount.amount]), [["DEPOSIT", "42.00"]]);
      assert.deepEqual(result._entities[1], { id: posted.transaction.id, kind: "DEPOSIT", amount: { amount: "42.00", currency: "USD" } });
    }
    const stranger = await ledger.execute(ENTITIES, { representations }, callerOf(randomUUID(), "CUSTOMER"));
    assert.equal(errorCode(stranger), "FORBIDDEN");
    assert.doesNotMatch(JSON.stringify(stranger.data), /42\.00/);
  });

  test("_entities keeps the order of the representations, with null for an unknown transaction", async () => {
    const account = await openAccount(randomUUID());
    const { deposit: posted } = await deposit(account, "1.00");
    const result = await ledger.execute<{ _entities: ({ id: string } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Transaction { id } } }`,
      { r: [{ __typename: "Transaction", id: randomUUID() }, { __typename: "Transaction", id: posted.transaction.id }] },
      teller,
    );
    assert.equal(result.data?._entities[1]?.id, posted.transaction.id);
    assert.equal(result.data?._entities[0] ?? null, null);
  });
});
