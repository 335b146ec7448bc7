// Federated subscriptions end to end, through the real router and a real graphql-ws client: a transfer to
// customer A (by B, through the router) reaches A's `notificationReceived` with fields of three other
// subgraphs (the example query verbatim: the payer's account number and name); B and a third
// customer never see A's; a subscriber on a second router replica gets events caused through the first;
// the per-connection limit answers SUBSCRIPTION_LIMIT; /metrics counts sockets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { liveClient, type LiveClient } from "./support/realtime.js";
import { createTestDatabase, graphql, login, metricValue, startExtraRouter, startStack, type Stack, type TestDatabase } from "./support/stack.js";

/** The example, verbatim: the payee sees who paid (the payer's account number and name). */
const LIVE = /* GraphQL */ `
  subscription { notificationReceived { id kind title createdAt transaction { id amount { amount currency } fromAccount { number owner { name } } } } }`;

type Live = {
  notificationReceived: {
    id: string;
    kind: string;
    title: string;
    createdAt: string;
    transaction: { id: string; amount: { amount: string; currency: string }; fromAccount: { number: string; owner: { name: string } } | null } | null;
  };
};

let database: TestDatabase;
let stack: Stack;
/** Shared with the second router replica (both sign for the same subgraphs). */
const secret = randomBytes(32).toString("base64url");
const tokens: Record<string, string> = {};
const accounts: Record<string, { id: string; number: string; currency: string }[]> = {};
const clients: LiveClient[] = [];

function open(token: string, url = stack.routerUrl) {
  const client = liveClient(url, token);
  clients.push(client);
  return client;
}

async function transfer(from: string, fromAccountId: string, toAccountNumber: string, amount: string) {
  const { body } = await graphql(stack.routerUrl, OPS.transfer, { input: { fromAccountId, toAccountNumber, amount, idempotencyKey: randomUUID() } }, tokens[from]);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
}

before(async () => {
  database = await createTestDatabase();
  stack = await startStack({ DATABASE_URL: database.url, ROUTER_IDENTITY_SECRET: secret, SUBSCRIPTION_MAX_PER_CONNECTION: "2" });
  for (const who of ["alice", "bob"]) tokens[who] = await login(stack.routerUrl, `${who}@demo.bank`);
  const registered = await graphql<{ register: { accessToken: string } }>(
    stack.routerUrl,
    "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
    { input: { email: `carol-${randomUUID().slice(0, 8)}@example.com`, password: "a long enough passphrase 42", name: "Carol Third" } },
  );
  tokens.carol = registered.body.data!.register.accessToken;
  assert.ok(tokens.carol, JSON.stringify(registered.body.errors));
  for (const who of ["alice", "bob"]) {
    const { body } = await graphql<{ me: { accounts: { id: string; number: string; currency: string }[] } }>(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, tokens[who]);
    accounts[who] = body.data!.me.accounts;
  }
});

after(async () => {
  await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
  const code = await stack?.stop();
  await database?.drop();
  assert.equal(code, 0, "the platform stops cleanly");
});

describe("notificationReceived through the router", () => {
  test("A receives the transfer B made, with the transaction, its accounts and owners resolved; B and C never see A's", async () => {
    const aliceUsd = accounts.alice!.find((account) => account.currency === "USD")!;
    const bobUsd = accounts.bob!.find((account) => account.currency === "USD")!;
    const active = await activeSubscriptions();
    const alice = open(tokens.alice!).subscribe(LIVE);
    const bob = open(tokens.bob!).subscribe(LIVE);
    const carol = open(tokens.carol!).subscribe(LIVE);
    // Subscribed once the router counts them (no sleep): 3 more active subscriptions.
    await until(async () => (await activeSubscriptions()) >= active + 3);

    const transactionId = await transfer("bob", bobUsd.id, aliceUsd.number, "12.34");
    const received = (await alice.next((event) => (event.data as Live | null)?.notificationReceived.transaction?.id === transactionId)) as { data: Live; errors?: unknown[] };
    assert.equal(received.errors, undefined, JSON.stringify(received.errors));
    const notification = received.data.notificationReceived;
    assert.equal(notification.kind, "MONEY_RECEIVED");
    assert.match(notification.title, /12\.34/);
    assert.match(notification.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(notification.transaction!.amount, { amount: "12.34", currency: "USD" });
    // The payer, resolved across ledger → accounts → users: his account number and (counterparty view) his name.
    assert.deepEqual(notification.transaction!.fromAccount, { number: bobUsd.number, owner: { name: "Bob Okafor" } });

    // B gets his own MONEY_SENT for the same transfer; by then A's would have reached him too.
    const sent = (await bob.next((event) => (event.data as Live | null)?.notificationReceived.transaction?.id === transactionId)) as { data: Live };
    assert.equal(sent.data.notificationReceived.kind, "MONEY_SENT");
    const ids = (events: { data?: unknown }[]) => events.map((event) => (event.data as Live | null)?.notificationReceived.id);
    assert.ok(!ids(bob.events).includes(notification.id), "B never receives A's notification");
    assert.ok(!ids(carol.events).includes(notification.id), "C never receives A's notification");
    assert.ok(!ids(alice.events).includes(sent.data.notificationReceived.id), "A never receives B's notification");
    assert.ok(await metricValue(stack.ports.router, "fedbank_router_subscription_events_total") >= 2);
    for (const live of [alice, bob, carol]) live.stop();
  });

  test("aliases and __typename are shaped as the client asked", async () => {
    const aliceUsd = accounts.alice!.find((account) => account.currency === "USD")!;
    const bobUsd = accounts.bob!.find((account) => account.currency === "USD")!;
    const active = await activeSubscriptions();
    const live = open(tokens.alice!).subscribe(`subscription { n: notificationReceived { __typename nid: id tx: transaction { __typename money: amount { amount } } } }`);
    await until(async () => (await activeSubscriptions()) >= active + 1);
    await transfer("bob", bobUsd.id, aliceUsd.number, "1.00");
    const event = (await live.next()) as { data: { n: { __typename: string; nid: string; tx: { __typename: string; money: { amount: string } } } } };
    assert.equal(event.data.n.__typename, "Notification");
    assert.equal(event.data.n.tx.__typename, "Transaction");
    assert.equal(event.data.n.tx.money.amount, "1.00");
    live.stop();
  });

  test("a subscriber on router 2 receives an event caused by a mutation through router 1", async () => {
    const second = await startExtraRouter(stack, { ROUTER_IDENTITY_SECRET: secret, REDIS_KEY_PREFIX: stack.redisKeyPrefix });
    try {
      const aliceUsd = accounts.alice!.find((account) => account.currency === "USD")!;
      const bobUsd = accounts.bob!.find((account) => account.currency === "USD")!;
      const live = open(tokens.alice!, second.url).subscribe(LIVE);
      await until(async () => (await metricValue(second.port, "fedbank_router_subscriptions_active")) >= 1);
      const transactionId = await transfer("bob", bobUsd.id, aliceUsd.number, "2.50");
      const event = (await live.next((each) => (each.data as Live | null)?.notificationReceived.transaction?.id === transactionId)) as { data: Live };
      assert.equal(event.data.notificationReceived.kind, "MONEY_RECEIVED");
      live.stop();
    } finally {
      await second.stop();
    }
  });

  test("more subscriptions than SUBSCRIPTION_MAX_PER_CONNECTION on one socket: SUBSCRIPTION_LIMIT; complete frees a slot", async () => {
    const client = open(tokens.alice!);
    const active = await activeSubscriptions();
    const first = client.subscribe(LIVE);
    const second = client.subscribe(LIVE);
    await until(async () => (await activeSubscriptions()) >= active + 2);
    const third = client.subscribe(LIVE);
    const errors = (await third.failed()) as { extensions?: { code?: string } }[];
    assert.equal(errors[0]?.extensions?.code, "SUBSCRIPTION_LIMIT");
    assert.equal(first.errors.length + second.errors.length, 0);
    // `complete` from the client frees its slot: another subscription is accepted on the same socket.
    const withTwo = await activeSubscriptions();
    first.stop();
    await until(async () => (await activeSubscriptions()) < withTwo);
    const afterStop = await activeSubscriptions();
    const fourth = client.subscribe(LIVE);
    await until(async () => (await activeSubscriptions()) > afterStop);
    assert.equal(fourth.errors.length, 0);
    second.stop();
    fourth.stop();
  });

  test("queries over the socket are refused (they go over HTTP); /metrics counts open sockets", async () => {
    const client = open(tokens.alice!);
    const query = client.subscribe("{ me { id } }");
    const errors = (await query.failed()) as { extensions?: { code?: string } }[];
    assert.equal(errors[0]?.extensions?.code, "BAD_REQUEST");
    assert.ok((await metricValue(stack.ports.router, "fedbank_router_subscription_sockets")) >= 1);
  });
});

const activeSubscriptions = () => metricValue(stack.ports.router, "fedbank_router_subscriptions_active");

/** Polls `condition` until it holds (a wait, not a timing assertion; the test runner's timeout bounds it). */
async function until(condition: () => Promise<boolean>, intervalMs = 50): Promise<void> {
  for (;;) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
