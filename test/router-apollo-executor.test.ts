// ROUTER_ENGINE=apollo (diagnosis only): stock @apollo/gateway's executor behind the same router, its module
// imported only then (router/src/apollo-executor.ts). A router of this suite's own runs it in front of the
// shared subgraphs: its fetches are signed and accepted, and a customer's dashboard and transfer answer as
// on the shared router, which runs the router's own engine.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, test } from "node:test";
import { newCustomer, type OwnCustomer } from "./support/customers.js";
import { LEDGER_OPS } from "./support/ledger-ops.js";
import { useOwnRouter } from "./support/own-router.js";
import { useSharedPlatform } from "./support/platform.js";
import { graphql } from "./support/stack.js";
import { eventually } from "./support/wait.js";

const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    me {
      email
      accounts {
        number currency
        balance { amount currency }
        transactions(first: 5) { edges { node { kind amount { amount currency } reference } } }
      }
    }
  }`;

const platform = useSharedPlatform();
const apollo = useOwnRouter(platform, { ROUTER_ENGINE: "apollo" });
let customer: OwnCustomer;

before(async () => {
  await apollo.ready;
  customer = await newCustomer(platform, "Apollo Executor", [{ deposits: ["50.00"] }, { type: "SAVINGS" }]);
});

test("the router says it runs stock @apollo/gateway's executor", async () => {
  await eventually("the diagnosis warning", async () => apollo.output(), (output) => output.includes("ROUTER_ENGINE=apollo"), { timeoutMs: 10_000 });
});

test("a customer's dashboard through stock @apollo/gateway's executor equals the engine's", async () => {
  const stock = await graphql(apollo.url, DASHBOARD, {}, customer.token);
  const engine = await graphql(platform.routerUrl, DASHBOARD, {}, customer.token);
  assert.equal(stock.status, 200);
  assert.equal(stock.body.errors, undefined, JSON.stringify(stock.body.errors));
  assert.deepEqual(stock.body, engine.body);
  assert.equal((stock.body.data as { me: { accounts: unknown[] } }).me.accounts.length, 2);
});

test("a transfer through stock @apollo/gateway's executor moves the money once", async () => {
  const [checking, savings] = customer.accounts;
  const input = { fromAccountId: checking!.id, toAccountId: savings!.id, amount: "12.50", idempotencyKey: randomUUID() };
  const { body } = await graphql<{ transfer: { replayed: boolean; transaction: { amount: { amount: string } } } }>(apollo.url, LEDGER_OPS.transfer, { input }, customer.token);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.equal(body.data!.transfer.transaction.amount.amount, "12.50");
  const balance = async (id: string) =>
    ((await graphql<{ account: { balance: { amount: string } } }>(platform.routerUrl, LEDGER_OPS.balances, { id }, customer.token)).body.data!.account.balance.amount);
  assert.deepEqual([await balance(checking!.id), await balance(savings!.id)], ["37.50", "12.50"]);
});
