// Monthly statements through the router on the shared platform: a month in the bank's time zone (UTC on the
// test platform) gives the same statement as `accountStatement` over the same bounds, the current month is
// provisional and a closed one is final, and the usual readers and errors apply.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { useSharedPlatform } from "./support/platform.js";
import { graphql, login } from "./support/stack.js";

const platform = useSharedPlatform();

const FIELDS = "account { id } from to provisional openingBalance { amount currency } closingBalance { amount } entries { transaction { id } amount { amount } }";
const MONTHLY = /* GraphQL */ `query Monthly($id: ID!, $month: String!) { monthlyStatement(accountId: $id, month: $month) { ${FIELDS} } }`;
const RANGE = /* GraphQL */ `query Range($id: ID!, $from: DateTime!, $to: DateTime!) { accountStatement(accountId: $id, from: $from, to: $to) { ${FIELDS} } }`;
const MY_ACCOUNTS = /* GraphQL */ `{ me { accounts { id } } }`;

function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

describe("monthly statements", () => {
  let alice: string;
  let bob: string;
  let accountId: string;

  before(async () => {
    alice = await login(platform.routerUrl, "alice@demo.bank");
    bob = await login(platform.routerUrl, "bob@demo.bank");
    const { body } = await graphql(platform.routerUrl, MY_ACCOUNTS, {}, alice);
    accountId = (body.data as any).me.accounts[0].id;
  });

  test("this month's statement is the range statement from the 1st to the next 1st, and provisional", async () => {
    const now = new Date();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const monthly = await graphql(platform.routerUrl, MONTHLY, { id: accountId, month: monthOf(now) }, alice);
    const range = await graphql(platform.routerUrl, RANGE, { id: accountId, from: from.toISOString(), to: to.toISOString() }, alice);
    assert.equal(monthly.body.errors, undefined, JSON.stringify(monthly.body.errors));
    const statement = (monthly.body.data as any).monthlyStatement;
    assert.deepEqual(statement, (range.body.data as any).accountStatement);
    assert.equal(statement.from, from.toISOString());
    assert.equal(statement.to, to.toISOString());
    assert.equal(statement.provisional, true);
  });

  test("a month that has closed is final", async () => {
    const { body } = await graphql(platform.routerUrl, MONTHLY, { id: accountId, month: "2026-01" }, alice);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal((body.data as any).monthlyStatement.provisional, false);
  });

  test("a malformed month is BAD_USER_INPUT and another customer's account FORBIDDEN", async () => {
    const bad = await graphql(platform.routerUrl, MONTHLY, { id: accountId, month: "2026-13" }, alice);
    assert.equal(bad.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    const other = await graphql(platform.routerUrl, MONTHLY, { id: accountId, month: "2026-01" }, bob);
    assert.equal(other.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
  });
});
