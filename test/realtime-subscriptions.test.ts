// Subscriptions through a real router of this file's own in front of the shared platform's subgraphs (its
// suites count live subscriptions and resolutions on the router, process-wide, and set its per-connection
// limit; test/support/own-router.ts), between customers of its own ("alice", "bob", "carol"), with tokens
// minted by the shared platform's key where a test needs a given lifetime.
//
// Federated subscriptions end to end, with a real graphql-ws client: a transfer to customer A (by B, through
// the router) reaches A's `notificationReceived` with fields of three other subgraphs (the example
// query verbatim: the payer's account number and name); B and a third customer never see A's; a subscriber
// on a second router replica gets events caused through the first; the per-connection limit answers
// SUBSCRIPTION_LIMIT; /metrics counts sockets.
//
// Real frontend clients from npm, driven from Node, each receiving a transfer's notification through the
// router: Apollo Client over graphql-ws (GraphQLWsLink) and over HTTP multipart (its HttpLink's subscription
// protocol), urql over graphql-ws, and graphql-sse (distinct connections). The HTTP transports share
// graphql-ws's admission and auth: no token is 401, a query is refused, logout ends the stream.
//
// Connecting and staying connected, as a dashboard does it: the three common `connectionParams` shapes are
// accepted; a refused token's close reason says what was wrong; shortly before the token expires the
// socket is closed with 4410 (retryable), the client calls its `connectionParams` function again, gets a
// refreshed token, resubscribes, and catches up on what it missed with the documented query
// (docs/realtime.md#token-refresh); several sockets of one customer share one resolution per event, and
// other customers never receive it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql, type ApolloLink } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient, createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { createClient as createSseClient, type Client as SseClient } from "graphql-sse";
import WebSocket from "ws";
import { newCustomer, type OwnCustomer } from "./support/customers.js";
import { signIn } from "./support/identity.js";
import { LEDGER_OPS as OPS } from "./support/ledger-ops.js";
import { useOwnRouter } from "./support/own-router.js";
import { useSharedPlatform } from "./support/platform.js";
import { liveClient, wsUrl, type LiveClient } from "./support/realtime.js";
import { createTokenKey, graphql, metricValue, mintAccessToken } from "./support/stack.js";
import { until } from "./support/wait.js";

/** How long before a token's expiry the router closes its socket (the default, written out for the tests). */
const LEAD_MS = 30_000;
const platform = useSharedPlatform();
const router = useOwnRouter(platform, {
  SUBSCRIPTION_MAX_PER_CONNECTION: "2",
  SUBSCRIPTION_REVOCATION_CHECK_MS: "200",
  SUBSCRIPTION_REAUTHENTICATE_LEAD_MS: String(LEAD_MS),
});
const customers: Record<string, OwnCustomer> = {};
before(async () => {
  await platform.ready;
  // bob pays alice in most tests; carol has no account and must never see their notifications.
  customers.alice = await newCustomer(platform, "Alice Listener", [{}]);
  customers.bob = await newCustomer(platform, "Bob Okafor", [{ deposits: ["1000.00"] }]);
  customers.carol = await newCustomer(platform, "Carol Third");
});
/** The customer `who` as a token's subject (to mint tokens of a chosen lifetime). */
const subject = (who: string) => ({ id: customers[who]!.id, role: "CUSTOMER" });

describe("federated subscriptions", () => {
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

  const tokens: Record<string, string> = {};
  const accounts: Record<string, { id: string; number: string; currency: string }[]> = {};
  const clients: LiveClient[] = [];

  function open(token: string, url = router.url) {
    const client = liveClient(url, token);
    clients.push(client);
    return client;
  }

  async function transfer(from: string, fromAccountId: string, toAccountNumber: string, amount: string, url = router.url) {
    const { body } = await graphql(url, OPS.transfer, { input: { fromAccountId, toAccountNumber, amount, idempotencyKey: randomUUID() } }, tokens[from]);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
  }

  before(async () => {
    await router.ready;
    for (const who of ["alice", "bob", "carol"]) tokens[who] = customers[who]!.token;
    for (const who of ["alice", "bob"]) accounts[who] = customers[who]!.accounts;
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
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
      await until("the router's count of live subscriptions", async () => (await activeSubscriptions()) >= active + 3);

      const transactionId = await transfer("bob", bobUsd.id, aliceUsd.number, "12.34");
      const received = (await alice.next((event) => (event.data as Live | null)?.notificationReceived.transaction?.id === transactionId)) as { data: Live; errors?: unknown[] };
      assert.equal(received.errors, undefined, JSON.stringify(received.errors));
      const notification = received.data.notificationReceived;
      assert.equal(notification.kind, "MONEY_RECEIVED");
      assert.match(notification.title, /12\.34/);
      assert.match(notification.createdAt, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(notification.transaction!.amount, { amount: "12.34", currency: "USD" });
      // The payer, resolved across ledger → accounts → users: his account number and (counterparty view) his name.
      assert.deepEqual(notification.transaction!.fromAccount, { number: bobUsd.number, owner: { name: customers.bob!.name } });

      // B gets his own MONEY_SENT for the same transfer; by then A's would have reached him too.
      const sent = (await bob.next((event) => (event.data as Live | null)?.notificationReceived.transaction?.id === transactionId)) as { data: Live };
      assert.equal(sent.data.notificationReceived.kind, "MONEY_SENT");
      const ids = (events: { data?: unknown }[]) => events.map((event) => (event.data as Live | null)?.notificationReceived.id);
      assert.ok(!ids(bob.events).includes(notification.id), "B never receives A's notification");
      assert.ok(!ids(carol.events).includes(notification.id), "C never receives A's notification");
      assert.ok(!ids(alice.events).includes(sent.data.notificationReceived.id), "A never receives B's notification");
      assert.ok(await metricValue(router.port, "fedbank_router_subscription_events_total") >= 2);
      for (const live of [alice, bob, carol]) live.stop();
    });

    test("aliases and __typename are shaped as the client asked", async () => {
      const aliceUsd = accounts.alice!.find((account) => account.currency === "USD")!;
      const bobUsd = accounts.bob!.find((account) => account.currency === "USD")!;
      const active = await activeSubscriptions();
      const live = open(tokens.alice!).subscribe(`subscription { n: notificationReceived { __typename nid: id tx: transaction { __typename money: amount { amount } } } }`);
      await until("the router's count of live subscriptions", async () => (await activeSubscriptions()) >= active + 1);
      await transfer("bob", bobUsd.id, aliceUsd.number, "1.00");
      const event = (await live.next()) as { data: { n: { __typename: string; nid: string; tx: { __typename: string; money: { amount: string } } } } };
      assert.equal(event.data.n.__typename, "Notification");
      assert.equal(event.data.n.tx.__typename, "Transaction");
      assert.equal(event.data.n.tx.money.amount, "1.00");
      live.stop();
    });

    // Router 1: the shared platform's; router 2: this file's (a replica: same subgraphs, Redis prefix, secret).
    test("a subscriber on router 2 receives an event caused by a mutation through router 1", async () => {
      const aliceUsd = accounts.alice!.find((account) => account.currency === "USD")!;
      const bobUsd = accounts.bob!.find((account) => account.currency === "USD")!;
      const active = await activeSubscriptions();
      const live = open(tokens.alice!).subscribe(LIVE);
      await until("the router's count of live subscriptions", async () => (await activeSubscriptions()) >= active + 1);
      const transactionId = await transfer("bob", bobUsd.id, aliceUsd.number, "2.50", platform.routerUrl);
      const event = (await live.next((each) => (each.data as Live | null)?.notificationReceived.transaction?.id === transactionId)) as { data: Live };
      assert.equal(event.data.notificationReceived.kind, "MONEY_RECEIVED");
      live.stop();
    });

    test("more subscriptions than SUBSCRIPTION_MAX_PER_CONNECTION on one socket: SUBSCRIPTION_LIMIT; complete frees a slot", async () => {
      const client = open(tokens.alice!);
      const active = await activeSubscriptions();
      const first = client.subscribe(LIVE);
      const second = client.subscribe(LIVE);
      await until("the router's count of live subscriptions", async () => (await activeSubscriptions()) >= active + 2);
      const third = client.subscribe(LIVE);
      const errors = (await third.failed()) as { extensions?: { code?: string } }[];
      assert.equal(errors[0]?.extensions?.code, "SUBSCRIPTION_LIMIT");
      assert.equal(first.errors.length + second.errors.length, 0);
      // `complete` from the client frees its slot: another subscription is accepted on the same socket.
      const withTwo = await activeSubscriptions();
      first.stop();
      await until("the router's count of live subscriptions", async () => (await activeSubscriptions()) < withTwo);
      const afterStop = await activeSubscriptions();
      const fourth = client.subscribe(LIVE);
      await until("the router's count of live subscriptions", async () => (await activeSubscriptions()) > afterStop);
      assert.equal(fourth.errors.length, 0);
      second.stop();
      fourth.stop();
    });

    test("queries over the socket are refused (they go over HTTP); /metrics counts open sockets", async () => {
      const client = open(tokens.alice!);
      const query = client.subscribe("{ me { id } }");
      const errors = (await query.failed()) as { extensions?: { code?: string } }[];
      assert.equal(errors[0]?.extensions?.code, "BAD_REQUEST");
      assert.ok((await metricValue(router.port, "fedbank_router_subscription_sockets")) >= 1);
    });
  });

  const activeSubscriptions = () => metricValue(router.port, "fedbank_router_subscriptions_active");
});

describe("real frontend clients", () => {
  const LIVE = "subscription Live { notificationReceived { id kind transaction { id amount { amount } } } }";
  type Live = { notificationReceived: { id: string; kind: string; transaction: { id: string; amount: { amount: string } } | null } };

  const tokens: Record<string, string> = {};
  const accounts: Record<string, { id: string; number: string }> = {};
  const cleanups: (() => unknown)[] = [];

  before(() => {
    for (const who of ["alice", "bob"]) {
      tokens[who] = customers[who]!.token;
      accounts[who] = customers[who]!.accounts[0]!;
    }
  });

  after(async () => {
    for (const cleanup of cleanups.splice(0)) await Promise.resolve(cleanup()).catch(() => undefined);
  });

  const activeSubscriptions = () => metricValue(router.port, "fedbank_router_subscriptions_active");

  /** Waits until a new subscription is live on the router, transfers bob → alice, and returns its id. */
  async function transferOnceSubscribed(before: number): Promise<string> {
    await until("the new subscription is live on the router", async () => (await activeSubscriptions()) > before, { intervalMs: 50 });
    const { body } = await graphql(router.url, OPS.transfer, { input: { fromAccountId: accounts.bob!.id, toAccountNumber: accounts.alice!.number, amount: "2.22", idempotencyKey: randomUUID() } }, tokens.bob);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
  }

  /** Collects results until one satisfies `found`. */
  function collector<T>() {
    const results: T[] = [];
    const waiters: (() => void)[] = [];
    return {
      results,
      push(result: T) {
        results.push(result);
        for (const wake of waiters.splice(0)) wake();
      },
      async first(found: (result: T) => boolean): Promise<T> {
        for (;;) {
          const match = results.find(found);
          if (match) return match;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
    };
  }

  const isTransfer = (id: string) => (result: { data?: unknown }) => (result.data as Live | null | undefined)?.notificationReceived?.transaction?.id === id;

  function wsClient(token: string): WsClient {
    const client = createWsClient({ url: wsUrl(router.url), webSocketImpl: WebSocket, connectionParams: () => ({ authorization: `Bearer ${token}` }) });
    cleanups.push(() => client.dispose());
    return client;
  }

  describe("real clients receive a transfer's notification through the router", () => {
    /** Apollo Client over `link` subscribes as alice; returns the event of a transfer to her (after unsubscribing). */
    async function apolloClientReceives(link: ApolloLink) {
      const apollo = new ApolloClient({ link, cache: new InMemoryCache() });
      const seen = collector<{ data?: unknown; error?: unknown }>();
      const before = await activeSubscriptions();
      const subscription = apollo.subscribe({ query: gql(LIVE) }).subscribe({ next: (result) => seen.push(result), error: (error) => seen.push({ error }) });
      cleanups.push(() => subscription.unsubscribe());
      const id = await transferOnceSubscribed(before);
      const result = await seen.first((each) => isTransfer(id)(each) || each.error !== undefined);
      assert.equal(result.error, undefined, String(result.error));
      subscription.unsubscribe();
      return { event: result.data as Live, before };
    }

    test("Apollo Client with GraphQLWsLink", async () => {
      const { event } = await apolloClientReceives(new GraphQLWsLink(wsClient(tokens.alice!)));
      assert.equal(event.notificationReceived.kind, "MONEY_RECEIVED");
    });

    test("Apollo Client with HttpLink: subscriptions over HTTP multipart", async () => {
      const { event, before } = await apolloClientReceives(new HttpLink({ uri: router.url, headers: { authorization: `Bearer ${tokens.alice}` } }));
      assert.equal(event.notificationReceived.transaction!.amount.amount, "2.22");
      // The request ends when the client unsubscribes: the router releases the subscription.
      await until("the subscription is released", async () => (await activeSubscriptions()) <= before, { intervalMs: 50 });
    });

    test("urql with subscriptionExchange over graphql-ws", async () => {
      const ws = wsClient(tokens.alice!);
      const urql = new UrqlClient({
        url: router.url,
        exchanges: [
          subscriptionExchange({
            forwardSubscription: (request) => ({
              subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
            }),
          }),
          fetchExchange,
        ],
      });
      const seen = collector<{ data?: unknown; error?: unknown }>();
      const before = await activeSubscriptions();
      const { unsubscribe } = urql.subscription(LIVE, {}).subscribe((result) => seen.push({ data: result.data, error: result.error }));
      cleanups.push(unsubscribe);
      const id = await transferOnceSubscribed(before);
      const result = await seen.first((each) => isTransfer(id)(each) || each.error !== undefined);
      assert.equal(result.error, undefined, String(result.error));
      unsubscribe();
    });

    test("graphql-sse (distinct connections) with the token in its headers function", async () => {
      const sse: SseClient = createSseClient({ url: router.url, headers: () => ({ authorization: `Bearer ${tokens.alice}` }), retryAttempts: 0 });
      cleanups.push(() => sse.dispose());
      const seen = collector<{ data?: unknown; error?: unknown }>();
      const before = await activeSubscriptions();
      const stop = sse.subscribe({ query: LIVE }, { next: (result) => seen.push(result), error: (error) => seen.push({ error }), complete: () => undefined });
      cleanups.push(stop);
      const id = await transferOnceSubscribed(before);
      const result = await seen.first((each) => isTransfer(id)(each) || each.error !== undefined);
      assert.equal(result.error, undefined, String(result.error));
      stop();
    });
  });

  describe("HTTP streaming transports share graphql-ws's admission and auth", () => {
    const post = (accept: string, token: string | undefined, body: unknown) =>
      fetch(router.url, { method: "POST", headers: { accept, "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

    test("no token: 401 UNAUTHENTICATED; a token that is not a JWT says so; a query is refused (BAD_REQUEST)", async () => {
      for (const accept of ["multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json", "text/event-stream"]) {
        const anonymous = await post(accept, undefined, { query: LIVE });
        assert.equal(anonymous.status, 401);
        assert.equal(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, "UNAUTHENTICATED");
        const malformed = await fetch(router.url, { method: "POST", headers: { accept, "content-type": "application/json", authorization: "Bearer nope" }, body: JSON.stringify({ query: LIVE }) });
        assert.equal(malformed.status, 401);
        assert.match(((await malformed.json()) as { errors: { message: string }[] }).errors[0]!.message, /not a JWT/);
        const query = await post(accept, tokens.alice, { query: "{ me { id } }" });
        assert.equal(query.status, 400);
        assert.equal(((await query.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, "BAD_REQUEST");
      }
    });

    test("a token about to expire ends the stream retryably: multipart says TOKEN_EXPIRING and closes; SSE ends without complete", async () => {
      const alice = subject("alice");
      for (const accept of ["multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json", "text/event-stream"]) {
        const now = Math.floor(Date.now() / 1000);
        // Inside the refresh lead time (30 s by default): the stream lives until the token's expiry.
        const token = await mintAccessToken(platform.tokenKey, alice, { iat: now, exp: now + 2 });
        const response = await post(accept, token, { query: LIVE });
        assert.equal(response.status, 200);
        const text = await response.text(); // ends when the router ends the stream
        if (accept.startsWith("multipart")) {
          assert.match(response.headers.get("content-type") ?? "", /multipart\/mixed;boundary="graphql";subscriptionSpec="1.0"/);
          assert.match(text, /\{"payload":null,"errors":\[\{"message":"token expiring: reconnect with a refreshed token","extensions":\{"code":"TOKEN_EXPIRING"\}\}\]\}\r\n--graphql--\r\n$/);
        } else {
          assert.doesNotMatch(text, /event: complete/, "no complete: graphql-sse's client retries (with fresh headers)");
        }
      }
    });

    test("logout ends a live SSE stream with UNAUTHENTICATED, then complete", async () => {
      const token = (await signIn(router.url, customers.bob!.email, customers.bob!.password)).accessToken;
      const before = await activeSubscriptions();
      const response = await post("text/event-stream", token, { query: LIVE });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      await until("the new subscription is live on the router", async () => (await activeSubscriptions()) > before, { intervalMs: 50 });
      const { body } = await graphql(router.url, "mutation { logout }", {}, token);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const text = await response.text(); // ends when the router ends the stream
      assert.match(text, /event: next\ndata: \{"errors":\[\{"message":"session revoked","extensions":\{"code":"UNAUTHENTICATED"\}\}\]\}/);
      assert.match(text, /event: complete/);
    });
  });
});

describe("connecting and staying connected", () => {
  const LIVE = "subscription { notificationReceived { id kind transaction { id amount { amount } } } }";
  /** The catch-up query of the recipe: the newest notifications, merged by id with what arrived live. */
  const CATCH_UP = "{ me { notifications(first: 20) { edges { node { id kind title } } } } }";

  type Live = { notificationReceived: { id: string; kind: string; transaction: { id: string; amount: { amount: string } } | null } };

  const accounts: Record<string, { id: string; number: string }> = {};
  const clients: LiveClient[] = [];

  before(() => {
    for (const who of ["alice", "bob"]) accounts[who] = customers[who]!.accounts[0]!;
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
  });

  function mint(who: string, lifetimeSeconds = 900) {
    const now = Math.floor(Date.now() / 1000);
    return mintAccessToken(platform.tokenKey, subject(who), { iat: now, exp: now + lifetimeSeconds });
  }

  function open(params: Record<string, unknown>) {
    const client = liveClient(router.url, undefined, params);
    clients.push(client);
    return client;
  }

  async function transferToAlice(amount: string): Promise<string> {
    const { body } = await graphql(router.url, OPS.transfer, { input: { fromAccountId: accounts.bob!.id, toAccountNumber: accounts.alice!.number, amount, idempotencyKey: randomUUID() } }, await mint("bob"));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
  }

  const activeSubscriptions = () => metricValue(router.port, "fedbank_router_subscriptions_active");

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
      const forged = await mintAccessToken(await createTokenKey(), subject("alice"));
      const now = Math.floor(Date.now() / 1000);
      const expired = await mintAccessToken(platform.tokenKey, subject("alice"), { iat: now - 200, exp: now - 100 });
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
      url: wsUrl(router.url),
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
      // Its notification is written by the notifications consumer after the commit, so it may also reach the
      // resubscribed socket live; either way the merged view (by id) holds it once.
      if (!seen.has(missed.id)) seen.set(missed.id, { id: missed.id, kind: missed.kind, transaction: null });
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
    const { body } = await graphql<{ me: { notifications: { edges: { node: { id: string; kind: string; title: string } }[] } } }>(router.url, CATCH_UP, {}, token);
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
    const resolutions = await metricValue(router.port, "fedbank_router_subscription_event_resolutions_total");
    const transactionId = await transferToAlice("1.11");
    const events = await Promise.all(subscriptions.map((live) => live.next((event) => (event.data as Live | null)?.notificationReceived.transaction?.id === transactionId)));
    const ids = new Set(events.map((event) => (event.data as Live).notificationReceived.id));
    assert.equal(ids.size, 1, "the same notification on every socket");
    // Bob's MONEY_SENT is resolved for his own group; alice's three sockets share one resolution.
    await bob.next((event) => (event.data as { notificationReceived: { kind: string } }).notificationReceived.kind === "MONEY_SENT");
    assert.equal((await metricValue(router.port, "fedbank_router_subscription_event_resolutions_total")) - resolutions, 2);
    assert.ok(!bob.events.some((event) => ids.has((event.data as { notificationReceived: { id: string } }).notificationReceived.id)), "bob never receives alice's");
  });
});
});
