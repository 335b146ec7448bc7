// Real frontend clients from npm, driven from Node, each receiving a transfer's notification through the
// router: Apollo Client over graphql-ws (GraphQLWsLink) and over HTTP multipart (its HttpLink's subscription
// protocol), urql over graphql-ws, and graphql-sse (distinct connections). The HTTP transports share
// graphql-ws's admission and auth: no token is 401, a query is refused, logout ends the stream.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { createClient as createSseClient, type Client as SseClient } from "graphql-sse";
import WebSocket from "ws";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { wsUrl } from "./support/realtime.js";
import { createTestDatabase, createTokenKey, demoUsers, graphql, login, metricValue, mintAccessToken, startStack, type Stack, type TestDatabase, type TokenKey } from "./support/stack.js";
import { until } from "./support/wait.js";

const LIVE = "subscription Live { notificationReceived { id kind transaction { id amount { amount } } } }";
type Live = { notificationReceived: { id: string; kind: string; transaction: { id: string; amount: { amount: string } } | null } };

let database: TestDatabase;
let stack: Stack;
let key: TokenKey;
const tokens: Record<string, string> = {};
const accounts: Record<string, { id: string; number: string }> = {};
const cleanups: (() => unknown)[] = [];

before(async () => {
  database = await createTestDatabase();
  key = await createTokenKey();
  stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem, SUBSCRIPTION_REVOCATION_CHECK_MS: "200" });
  for (const who of ["alice", "bob"]) {
    tokens[who] = await login(stack.routerUrl, `${who}@demo.bank`);
    const { body } = await graphql<{ me: { accounts: { id: string; number: string; currency: string }[] } }>(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, tokens[who]);
    accounts[who] = body.data!.me.accounts.find((account) => account.currency === "USD")!;
  }
});

after(async () => {
  for (const cleanup of cleanups.splice(0)) await Promise.resolve(cleanup()).catch(() => undefined);
  const code = await stack?.stop();
  await database?.drop();
  assert.equal(code, 0, "the platform stops cleanly");
});

const activeSubscriptions = () => metricValue(stack.ports.router, "fedbank_router_subscriptions_active");

/** Waits until a new subscription is live on the router, transfers bob → alice, and returns its id. */
async function transferOnceSubscribed(before: number): Promise<string> {
  await until("the new subscription is live on the router", async () => (await activeSubscriptions()) > before, { intervalMs: 50 });
  const { body } = await graphql(stack.routerUrl, OPS.transfer, { input: { fromAccountId: accounts.bob!.id, toAccountNumber: accounts.alice!.number, amount: "2.22", idempotencyKey: randomUUID() } }, tokens.bob);
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
  const client = createWsClient({ url: wsUrl(stack.routerUrl), webSocketImpl: WebSocket, connectionParams: () => ({ authorization: `Bearer ${token}` }) });
  cleanups.push(() => client.dispose());
  return client;
}

describe("real clients receive a transfer's notification through the router", () => {
  test("Apollo Client with GraphQLWsLink", async () => {
    const apollo = new ApolloClient({ link: new GraphQLWsLink(wsClient(tokens.alice!)), cache: new InMemoryCache() });
    const seen = collector<{ data?: unknown; error?: unknown }>();
    const before = await activeSubscriptions();
    const subscription = apollo.subscribe({ query: gql(LIVE) }).subscribe({ next: (result) => seen.push(result), error: (error) => seen.push({ error }) });
    cleanups.push(() => subscription.unsubscribe());
    const id = await transferOnceSubscribed(before);
    const result = await seen.first((each) => isTransfer(id)(each) || each.error !== undefined);
    assert.equal(result.error, undefined, String(result.error));
    assert.equal((result.data as Live).notificationReceived.kind, "MONEY_RECEIVED");
    subscription.unsubscribe();
  });

  test("Apollo Client with HttpLink: subscriptions over HTTP multipart", async () => {
    const apollo = new ApolloClient({ link: new HttpLink({ uri: stack.routerUrl, headers: { authorization: `Bearer ${tokens.alice}` } }), cache: new InMemoryCache() });
    const seen = collector<{ data?: unknown; error?: unknown }>();
    const before = await activeSubscriptions();
    const subscription = apollo.subscribe({ query: gql(LIVE) }).subscribe({ next: (result) => seen.push(result), error: (error) => seen.push({ error }) });
    cleanups.push(() => subscription.unsubscribe());
    const id = await transferOnceSubscribed(before);
    const result = await seen.first((each) => isTransfer(id)(each) || each.error !== undefined);
    assert.equal(result.error, undefined, String(result.error));
    assert.equal((result.data as Live).notificationReceived.transaction!.amount.amount, "2.22");
    subscription.unsubscribe();
    // The request ends when the client unsubscribes: the router releases the subscription.
    await until("the subscription is released", async () => (await activeSubscriptions()) <= before, { intervalMs: 50 });
  });

  test("urql with subscriptionExchange over graphql-ws", async () => {
    const ws = wsClient(tokens.alice!);
    const urql = new UrqlClient({
      url: stack.routerUrl,
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
    const sse: SseClient = createSseClient({ url: stack.routerUrl, headers: () => ({ authorization: `Bearer ${tokens.alice}` }), retryAttempts: 0 });
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
    fetch(stack.routerUrl, { method: "POST", headers: { accept, "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  test("no token: 401 UNAUTHENTICATED; a token that is not a JWT says so; a query is refused (BAD_REQUEST)", async () => {
    for (const accept of ["multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json", "text/event-stream"]) {
      const anonymous = await post(accept, undefined, { query: LIVE });
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, "UNAUTHENTICATED");
      const malformed = await fetch(stack.routerUrl, { method: "POST", headers: { accept, "content-type": "application/json", authorization: "Bearer nope" }, body: JSON.stringify({ query: LIVE }) });
      assert.equal(malformed.status, 401);
      assert.match(((await malformed.json()) as { errors: { message: string }[] }).errors[0]!.message, /not a JWT/);
      const query = await post(accept, tokens.alice, { query: "{ me { id } }" });
      assert.equal(query.status, 400);
      assert.equal(((await query.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, "BAD_REQUEST");
    }
  });

  test("a token about to expire ends the stream retryably: multipart says TOKEN_EXPIRING and closes; SSE ends without complete", async () => {
    const alice = (await demoUsers(database.url))["alice@demo.bank"]!;
    for (const accept of ["multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json", "text/event-stream"]) {
      const now = Math.floor(Date.now() / 1000);
      // Inside the refresh lead time (30 s by default): the stream lives until the token's expiry.
      const token = await mintAccessToken(key, alice, { iat: now, exp: now + 2 });
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
    const token = await login(stack.routerUrl, "bob@demo.bank");
    const before = await activeSubscriptions();
    const response = await post("text/event-stream", token, { query: LIVE });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    await until("the new subscription is live on the router", async () => (await activeSubscriptions()) > before, { intervalMs: 50 });
    const { body } = await graphql(stack.routerUrl, "mutation { logout }", {}, token);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const text = await response.text(); // ends when the router ends the stream
    assert.match(text, /event: next\ndata: \{"errors":\[\{"message":"session revoked","extensions":\{"code":"UNAUTHENTICATED"\}\}\]\}/);
    assert.match(text, /event: complete/);
  });
});
