// Issue 14, §4 (subgraph side), reproduced as the attacker did it through the real router: guessable account
// numbers, a payee's full name and currency revealed to anyone naming a number, unlimited number look-ups, a
// malformed DateTime answered as an internal error, and LIKE wildcards in the staff user search.
import { isValidAccountNumber } from "#domain/account-number.js";
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { generateAccountNumber } from "../subgraphs/accounts/src/account-number.js";
import { SHARED_PLATFORM_SETTINGS, useSharedPlatform } from "./support/platform.js";
import { graphql, login, type GraphQLResponse } from "./support/stack.js";
import { errorCode, signUp, STRONG_PASSWORD, uniqueEmail } from "./support/identity.js";

const LOOKUPS_MAX = Number(SHARED_PLATFORM_SETTINGS.ACCOUNT_NUMBER_LOOKUPS_MAX);
const ALICE_CHECKING = "FB65FDBK12817536338047";
const ALICE_EUR = "FB89FDBK38028495083724";

// The run's shared platform: the demo customers' accounts are only read or named; whatever opens, pays or
// guesses is a customer of this file's own.
const platform = useSharedPlatform();
let teller: string;

before(async () => {
  await platform.ready;
  teller = await login(platform.routerUrl, "teller@demo.bank");
});

function ok<T>(response: GraphQLResponse<T>): T {
  assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
  return response.body.data!;
}

/** A new customer (the attacker, unless named) with a funded USD account. */
async function fundedCustomer(label: string, name = `Mallory ${label}`) {
  const { accessToken } = await signUp(platform.routerUrl, { email: uniqueEmail(label), password: STRONG_PASSWORD, name });
  const opened = ok(await graphql<{ openAccount: { id: string; number: string } }>(
    platform.routerUrl,
    `mutation { openAccount(input: { type: CHECKING, currency: "USD" }) { id number } }`,
    {},
    accessToken,
  )).openAccount;
  ok(await graphql(platform.routerUrl, `mutation($input: DepositInput!) { deposit(input: $input) { replayed } }`, {
    input: { accountId: opened.id, amount: "100.00", idempotencyKey: randomUUID() },
  }, teller));
  return { token: accessToken, account: opened };
}

const AUTHORIZE = `mutation($input: TransferInput!) {
  authorizeTransfer(input: $input) { hold { id toAccount { number owner { name } } } } }`;
const TRANSFER = `mutation($input: TransferInput!) {
  transfer(input: $input) { transaction { id toAccount { number owner { name } } } } }`;

describe("account numbers", () => {
  test("demo and newly opened numbers are not sequential, and keep valid mod-97 check digits", async () => {
    const alice = await login(platform.routerUrl, "alice@demo.bank");
    const { me } = ok(await graphql<{ me: { accounts: { number: string }[] } }>(platform.routerUrl, `{ me { accounts { number } } }`, {}, alice));
    const { accessToken: opener } = await signUp(platform.routerUrl, { email: uniqueEmail("opener"), password: STRONG_PASSWORD, name: "Otis Opener" });
    const opened = [];
    for (let i = 0; i < 3; i += 1) {
      opened.push(ok(await graphql<{ openAccount: { number: string } }>(platform.routerUrl, `mutation { openAccount(input: { type: SAVINGS, currency: "USD" }) { number } }`, {}, opener)).openAccount.number);
    }
    const bodies = [...me.accounts.map((a) => a.number), ...opened].map((number) => BigInt(number.slice(8))).sort((a, b) => (a < b ? -1 : 1));
    for (let i = 1; i < bodies.length; i += 1) assert.ok(bodies[i]! - bodies[i - 1]! > 1000n, `neighbouring numbers: ${bodies.join(", ")}`);
    for (const number of [...me.accounts.map((a) => a.number), ...opened]) {
      assert.match(number, /^FB\d{2}FDBK\d{14}$/);
      assert.ok(isValidAccountNumber(number), `mod-97 check digits of ${number}`);
    }
  });
});

describe("a hold to a number does not reveal whose account it is", () => {
  test("an unknown payee's name is masked until money has actually moved to them", async () => {
    const mallory = await fundedCustomer("masked");
    // The payee is a customer of this test's own (paying a demo customer would change the demo data).
    const payee = await fundedCustomer("payee", "Paula Payee");
    const hold = ok(await graphql<{ authorizeTransfer: { hold: { toAccount: { number: string; owner: { name: string } } } } }>(
      platform.routerUrl, AUTHORIZE,
      { input: { fromAccountId: mallory.account.id, toAccountNumber: payee.account.number, amount: "1.00", idempotencyKey: randomUUID() } },
      mallory.token,
    )).authorizeTransfer.hold;
    assert.equal(hold.toAccount.owner.name, "P*** P***", "the payee's name before any money moved");
    const paid = ok(await graphql<{ transfer: { transaction: { toAccount: { owner: { name: string } } } } }>(
      platform.routerUrl, TRANSFER,
      { input: { fromAccountId: mallory.account.id, toAccountNumber: payee.account.number, amount: "2.00", idempotencyKey: randomUUID() } },
      mallory.token,
    )).transfer.transaction;
    assert.equal(paid.toAccount.owner.name, "Paula Payee", "the payee's name once money has reached them");
  });

  test("a currency mismatch does not name the payee account's currency", async () => {
    const mallory = await fundedCustomer("currency");
    const response = await graphql(platform.routerUrl, AUTHORIZE, {
      input: { fromAccountId: mallory.account.id, toAccountNumber: ALICE_EUR, amount: "1.00", idempotencyKey: randomUUID() },
    }, mallory.token);
    assert.equal(errorCode(response), "CURRENCY_MISMATCH");
    assert.doesNotMatch(JSON.stringify(response.body.errors), /EUR/);
  });

  test(`look-ups of other people's numbers are limited per user (${LOOKUPS_MAX} distinct numbers per window)`, async () => {
    const guesser = await fundedCustomer("guesser");
    const guess = (number: string) => graphql(platform.routerUrl, AUTHORIZE, {
      input: { fromAccountId: guesser.account.id, toAccountNumber: number, amount: "1.00", idempotencyKey: randomUUID() },
    }, guesser.token);
    const guesses = Array.from({ length: LOOKUPS_MAX }, () => generateAccountNumber());
    for (const number of guesses) assert.equal(errorCode(await guess(number)), "NOT_FOUND", number);
    // The same number again is not a new look-up (paying one payee often is not guessing).
    assert.equal(errorCode(await guess(guesses[0]!)), "NOT_FOUND");
    const refused = await guess(generateAccountNumber());
    assert.equal(errorCode(refused), "RATE_LIMITED", JSON.stringify(refused.body.errors));
    // Even a live number answers RATE_LIMITED now: the limit hides whether it exists.
    assert.equal(errorCode(await guess(ALICE_CHECKING)), "RATE_LIMITED");
    // Another customer is not affected.
    const other = await fundedCustomer("bystander");
    const fine = await graphql(platform.routerUrl, AUTHORIZE, {
      input: { fromAccountId: other.account.id, toAccountNumber: generateAccountNumber(), amount: "1.00", idempotencyKey: randomUUID() },
    }, other.token);
    assert.equal(errorCode(fine), "NOT_FOUND");
  });
});

describe("errors in the right class, and literal search text", () => {
  test("an invalid DateTime argument to accountStatement is BAD_USER_INPUT (variable or literal), a valid one still works", async () => {
    const alice = await login(platform.routerUrl, "alice@demo.bank");
    const { me } = ok(await graphql<{ me: { accounts: { id: string }[] } }>(platform.routerUrl, `{ me { accounts { id } } }`, {}, alice));
    const accountId = me.accounts[0]!.id;
    const byVariable = await graphql(platform.routerUrl, `query($a: ID!, $from: DateTime!) {
      accountStatement(accountId: $a, from: $from, to: "2026-12-01T00:00:00Z") { closingBalance { amount } } }`, { a: accountId, from: "not-a-date" }, alice);
    assert.equal(errorCode(byVariable), "BAD_USER_INPUT", JSON.stringify(byVariable.body.errors));
    const byLiteral = await graphql(platform.routerUrl, `query($a: ID!) {
      accountStatement(accountId: $a, from: "yesterday", to: "2026-12-01T00:00:00Z") { closingBalance { amount } } }`, { a: accountId }, alice);
    assert.equal(errorCode(byLiteral), "BAD_USER_INPUT", JSON.stringify(byLiteral.body.errors));
    const valid = await graphql(platform.routerUrl, `query($a: ID!) {
      accountStatement(accountId: $a, from: "2020-01-01T00:00:00Z", to: "2020-12-01T00:00:00Z") { closingBalance { amount } } }`, { a: accountId }, alice);
    assert.equal(valid.body.errors, undefined, JSON.stringify(valid.body.errors));
  });

  test("users(filter: { emailContains }) takes _, % and \\ literally", async () => {
    const admin = await login(platform.routerUrl, "admin@demo.bank");
    const tag = Math.random().toString(36).slice(2, 8);
    for (const local of [`under_${tag}`, `per%cent${tag}`, `back\\slash${tag}`]) {
      await signUp(platform.routerUrl, { email: `${local}@search.test`, password: STRONG_PASSWORD, name: "Search Case" });
    }
    const search = async (text: string) =>
      ok(await graphql<{ users: { edges: { node: { email: string } }[] } }>(
        platform.routerUrl, `query($t: String!) { users(filter: { emailContains: $t }, first: 100) { edges { node { email } } } }`, { t: text }, admin,
      )).users.edges.map((edge) => edge.node.email);
    // Each character matches itself only: every e-mail found contains it (other suites on the shared
    // platform may have registered such addresses too), and ours is among them.
    for (const [text, ours] of [["_", `under_${tag}@search.test`], ["%", `per%cent${tag}@search.test`], ["\\", `back\\slash${tag}@search.test`]] as const) {
      const found = await search(text);
      assert.ok(found.includes(ours), `${text}: ${JSON.stringify(found)}`);
      assert.deepEqual(found.filter((email) => !email.includes(text)), [], `${text} taken as a wildcard`);
    }
    assert.ok((await search("@demo.bank")).length >= 6, "ordinary search text still matches");
  });
});
