// Connecting and staying connected, as a dashboard does it, through the real router with a real graphql-ws
// client: the three common `connectionParams` shapes are accepted; a refused token's close reason says what
// was wrong; shortly before the token expires the socket is closed with 4410 (retryable), the client calls
// its `connectionParams` function again, gets a refreshed token, resubscribes, and catches up on what it
// missed with the documented query (docs/realtime.md#token-refresh); several sockets of one customer share
// one resolution per event, and other customers never receive it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { liveClient, wsUrl, type LiveClient } from "./support/realtime.js";
import { until } from "./support/wait.js";
import {
  createTestDatabase,
  createTokenKey,
  demoUsers,
  graphql,
  metricValue,
  mintAccessToken,
  startStack,
  type Stack,
  type TestDatabase,
  type TokenKey,
} from "./support/stack.js";

const LIVE = "subscription { notificationReceived { id kind transaction { id amount { amount } } } }";
/** The catch-up query of the recipe: the newest notifications, merged by id with what arrived live. */
const CATCH_UP = "{ me { notifications(first: 20) { edges { node { id kind title } } } } }";

type Live = { notificationReceived: { id: string; kind: string; transaction: { id: string; amount: { amount: string } } | null } };

let database: TestDatabase;
let stack: Stack;
let key: TokenKey;
let users: Record<string, { id: string; role: string }>;
const accounts: Record<string, { id: string; number: string }> = {};
const clients: LiveClient[] = [];
const LEAD_MS = 30_000;

before(async () => {
  database = await createTestDatabase();
  key = await createTokenKey();
  stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem, SUBSCRIPTION_REAUTHENTICATE_LEAD_MS: String(LEAD_MS) });
  users = await demoUsers(database.url);
  for (const who of ["alice", "bob"]) {
    const token = await mint(who);
    const { body } = await graphql<{ me: { accounts: { id: string; number: string; currency: string }[] } }>(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, token);
    accounts[who] = body.data!.me.accounts.find((account) => account.currency === "USD")!;
  }
});

after(async () => {
  await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
  const code = await stack?.stop();
  await database?.drop();
  assert.equal(code, 0, "the platform stops cleanly");
});

function mint(who: string, lifetimeSeconds = 900) {
  const now = Math.floor(Date.now() / 1000);
  return mintAccessToken(key, users[`${who}@demo.bank`]!, { iat: now, exp: now + lifetimeSeconds });
}

function open(params: Record<string, unknown>) {
  const client = liveClient(stack.routerUrl, undefined, params);
  clients.push(client);
  return client;
}

async function transferToAlice(amount: string): Promise<string> {
  const { body } = await graphql(stack.routerUrl, OPS.transfer, { input: { fromAccountId: accounts.bob!.id, toAccountNumber: accounts.alice!.number, amount, idempotencyKey: randomUUID() } }, await mint("bob"));
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
}

const activeSubscriptions = () => metricValue(stack.ports.router, "fedbank_router_subscriptions_active");

describe("connection_init", () => {
  test("authorization, Authorization and headers.authorization are all accepted", async () => {
    const token = await mint("alice");
    for (const params of [{ authorization: `Bearer ${token}` }, { Authorization: `Bearer ${token}` }, { headers: { authorization: `Bearer ${token}` } }]) {
      const before = await activeSubscriptions();
      const client = open(params);
      const live = client.subscribe(LIVE);
      await until("the subscription is counted or refused", async () => (await activeSubscriptions()) > before || live.errors.length > 0, { intervalMs: 50 });
      assert.deepEqual(live.errors, [], JSON.stringify(params).slice(0, 40));
      live.stop();
      await client.dispose();
    }
  });

  test("a refused token's close reason says what was wrong (never 'must be Bearer' for a Bearer token)", async () => {
    const forged = await mintAccessToken(await createTokenKey(), users["alice@demo.bank"]!);
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintAccessToken(key, users["alice@demo.bank"]!, { iat: now - 200, exp: now - 100 });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["no token", {}, /no access token/],
      ["another scheme", { authorization: "Token abc.def.ghi" }, /Bearer scheme/],
      ["not a JWT", { authorization: "Bearer not-a-jwt" }, /not a JWT/],
      ["forged signature", { authorization: `Bearer ${forged}` }, /invalid/i],
      ["expired", { authorization: `Bearer ${expired}` }, /expired/i],
    ];
    for (const [what, params, reason] of cases) {
      const closed = await open(params).closed;
      assert.equal(closed.code, 4401, `${what}: ${JSON.stringify(closed)}`);
      assert.match(closed.reason, reason, what);
      assert.doesNotMatch(closed.reason, /must be `Bearer/, what);
    }
  });
});

describe("token refresh and catching up", () => {
  test("4410 before expiry; connectionParams called again with a refreshed token; resubscribed; the missed event found by the catch-up query", async () => {
    // The first token expires 3 s after the lead time: the router closes the socket in about 3 s.
    const tokens = [await mint("alice", LEAD_MS / 1000 + 3)];
    const closes: number[] = [];
    const seen = new Map<string, Live["notificationReceived"]>();
    let connects = 0;
    let reconnected!: () => void;
    const connectedAgain = new Promise<void>((resolve) => (reconnected = resolve));
    const client = createClient({
      url: wsUrl(stack.routerUrl),
      webSocketImpl: WebSocket,
      lazy: false,
      onNonLazyError: () => undefined,
      // The recipe: a function, called on every (re)connect, returning a token that is not about to expire.
      connectionParams: async () => {
        connects += 1;
        if (connects === 2) {
          // While the client is away, money arrives: its notification is not delivered live to this client.
          await transferToAlice("3.21");
          tokens.push(await mint("alice"));
        }
        return { authorization: `Bearer ${tokens.at(-1)}` };
      },
      on: {
        closed: (event) => void closes.push((event as { code: number }).code),
        connected: () => (connects >= 2 ? reconnected() : undefined),
      },
    });
    try {
      const live: Live[] = [];
      let wake: (() => void) | undefined;
      client.subscribe<Live>({ query: LIVE }, {
        next: (result) => {
          if (!result.data) return;
          live.push(result.data);
          seen.set(result.data.notificationReceived.id, result.data.notificationReceived);
          wake?.();
        },
        error: (error) => assert.fail(`subscription failed: ${JSON.stringify(error)}`),
        complete: () => undefined,
      });
      await connectedAgain;
      assert.deepEqual(closes, [4410], "closed once, with the retryable code");
      // Catch up: the notification the client missed is in the newest page; merged by id with what came live.
      const missed = await catchUp(tokens.at(-1)!, "3.21");
      assert.ok(!seen.has(missed.id), "it was not delivered live (the client was away)");
      seen.set(missed.id, { id: missed.id, kind: missed.kind, transaction: null });
      // And the resubscribed subscription keeps delivering live.
      const afterwards = await transferToAlice("4.56");
      while (!live.some((each) => each.notificationReceived.transaction?.id === afterwards)) await new Promise<void>((resolve) => (wake = resolve));
      const liveAfter = live.find((each) => each.notificationReceived.transaction?.id === afterwards)!.notificationReceived;
      // The merged view (by id) holds the missed notification, from the catch-up query, and the new live one.
      // The missed one may also arrive live after the resubscribe: merging by id keeps it once.
      assert.notEqual(liveAfter.id, missed.id);
      assert.ok(seen.has(missed.id) && seen.has(liveAfter.id));
      assert.equal(connects, 2);
    } finally {
      await client.dispose();
    }
  });
});

/** The recipe's catch-up query, until the notification of the transfer of `amount` is there (written asynchronously). */
async function catchUp(token: string, amount: string): Promise<{ id: string; kind: string }> {
  return until(`the catch-up query lists the notification of ${amount}`, async () => {
    const { body } = await graphql<{ me: { notifications: { edges: { node: { id: string; kind: string; title: string } }[] } } }>(stack.routerUrl, CATCH_UP, {}, token);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.me.notifications.edges.find((edge) => edge.node.kind === "MONEY_RECEIVED" && edge.node.title.includes(amount))?.node;
  });
}

describe("shared resolution", () => {
  test("three sockets of one customer: one resolution of the event, three deliveries; another customer gets nothing", async () => {
    const token = await mint("alice");
    // The earlier tests' clients are gone (their subscriptions released) before counting.
    await until("earlier subscriptions released", async () => (await activeSubscriptions()) === 0, { intervalMs: 50 });
    const before = 0;
    const subscriptions = [0, 1, 2].map(() => open({ authorization: `Bearer ${token}` }).subscribe(LIVE));
    const bob = open({ authorization: `Bearer ${await mint("bob")}` }).subscribe("subscription { notificationReceived { id kind } }");
    await until("four subscriptions counted", async () => (await activeSubscriptions()) >= before + 4, { intervalMs: 50 });
    const resolutions = await metricValue(stack.ports.router, "fedbank_router_subscription_event_resolutions_total");
    const transactionId = await transferToAlice("1.11");
    const events = await Promise.all(subscriptions.map((live) => live.next((event) => (event.data as Live | null)?.notificationReceived.transaction?.id === transactionId)));
    const ids = new Set(events.map((event) => (event.data as Live).notificationReceived.id));
    assert.equal(ids.size, 1, "the same notification on every socket");
    // Bob's MONEY_SENT is resolved for his own group; alice's three sockets share one resolution.
    await bob.next((event) => (event.data as { notificationReceived: { kind: string } }).notificationReceived.kind === "MONEY_SENT");
    assert.equal((await metricValue(stack.ports.router, "fedbank_router_subscription_event_resolutions_total")) - resolutions, 2);
    assert.ok(!bob.events.some((event) => ids.has((event.data as { notificationReceived: { id: string } }).notificationReceived.id)), "bob never receives alice's");
  });
});
