// Authentication and authorization of subscriptions through the router: connection_init without a valid
// token closes with 4401; the socket closes when the token expires (4410, retryable) and when its session is
// revoked (4401, logout); a caller without the field's scope gets FORBIDDEN; an idle socket is closed (4408); the
// subgraph refuses sockets and subscriptions that do not carry a router signature.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { newCustomer, type OwnCustomer } from "./support/customers.js";
import { signIn } from "./support/identity.js";
import { useOwnRouter } from "./support/own-router.js";
import { useSharedPlatform } from "./support/platform.js";
import { liveClient, type LiveClient } from "./support/realtime.js";
import { createTokenKey, demoUsers, graphql, mintAccessToken } from "./support/stack.js";

const LIVE = "subscription { notificationReceived { id kind } }";

let users: Record<string, { id: string; role: string }>;
let customer: OwnCustomer;
const clients: LiveClient[] = [];

// This suite's sockets come from an address of their own (X-Forwarded-For, the router trusts loopback as a
// proxy): new connections are counted per client IP in the shared store, where the sockets other suites open
// from 127.0.0.1 meanwhile would count against this router's low SUBSCRIPTION_CONNECTIONS_PER_MINUTE.
const SUITE_ADDRESS = "198.51.100.21";

function open(token: string | undefined, params?: Record<string, unknown>) {
  const client = liveClient(router.url, token, params, { headers: { "x-forwarded-for": SUITE_ADDRESS } });
  clients.push(client);
  return client;
}

// The shared platform's subgraphs behind a router of this suite's own: a 1.5 s idle timeout and a connection
// rate that other suites' sockets would meet are router settings. Tokens are minted with the shared key; the
// sessions logged out below are a customer's of this suite's own.
const platform = useSharedPlatform();
const router = useOwnRouter(platform, {
  SUBSCRIPTION_REVOCATION_CHECK_MS: "200",
  SUBSCRIPTION_IDLE_TIMEOUT_MS: "1500",
  // The connection-rate test below plays distinct clients through X-Forwarded-For.
  TRUSTED_PROXIES: "127.0.0.1,::1",
  SUBSCRIPTION_CONNECTIONS_PER_MINUTE: "20",
});

before(async () => {
  await router.ready;
  users = await demoUsers(platform.databaseUrl);
  customer = await newCustomer(platform, "Rita Realtime");
});

after(async () => {
  await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
});

describe("subscription sockets: authentication", () => {
  test("connection_init without a token, with a malformed one, or with a forged one: closed with 4401", async () => {
    const forged = await mintAccessToken(await createTokenKey(), users["alice@demo.bank"]!);
    for (const [what, client] of [
      ["no token", open(undefined, {})],
      ["malformed", open(undefined, { Authorization: "Bearer not-a-jwt" })],
      ["forged signature", open(forged)],
    ] as const) {
      const closed = await client.closed;
      assert.equal(closed.code, 4401, `${what}: ${JSON.stringify(closed)}`);
    }
  });

  test("the socket is closed when the access token expires, with 4410 (retryable: reconnect with a refreshed token)", async () => {
    const now = Math.floor(Date.now() / 1000);
    // Presented inside the refresh lead time (30 s by default): it lives until its expiry, then the socket closes.
    const token = await mintAccessToken(platform.tokenKey, users["alice@demo.bank"]!, { iat: now, exp: now + 2 });
    const client = open(token);
    const live = client.subscribe(LIVE);
    const closed = await client.closed;
    assert.equal(closed.code, 4410);
    assert.match(closed.reason, /token expiring: reconnect with a refreshed token/);
    assert.equal(live.events.length, 0);
  });

  test("logout (session revocation) closes the live socket with 4401", async () => {
    const token = (await signIn(router.url, customer.email, customer.password)).accessToken;
    const client = open(token);
    client.subscribe(LIVE);
    const { body } = await graphql(router.url, "mutation { logout }", {}, token);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const closed = await client.closed;
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /revoked/);
  });

  test("a token already revoked is refused at connection_init", async () => {
    const token = (await signIn(router.url, customer.email, customer.password)).accessToken;
    await graphql(router.url, "mutation { logout }", {}, token);
    const closed = await open(token).closed;
    assert.equal(closed.code, 4401);
  });

  test("a caller without banking:read (auditor) is refused the subscription with FORBIDDEN; the socket stays usable", async () => {
    const client = open(await mintAccessToken(platform.tokenKey, users["auditor@demo.bank"]!));
    const errors = (await client.subscribe(LIVE).failed()) as { extensions?: { code?: string } }[];
    assert.equal(errors[0]?.extensions?.code, "FORBIDDEN");
  });

  test("an authenticated socket that never subscribes is closed as idle (4408)", async () => {
    const closed = await open(await mintAccessToken(platform.tokenKey, users["alice@demo.bank"]!)).closed;
    assert.equal(closed.code, 4408);
    assert.match(closed.reason, /idle/);
  });

  test("more new sockets per minute from one client IP than SUBSCRIPTION_CONNECTIONS_PER_MINUTE: HTTP 429 on the upgrade", async () => {
    const upgrade = () =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(router.url.replace(/^http/, "ws"), "graphql-transport-ws", { headers: { "x-forwarded-for": "203.0.113.77" } });
        socket.once("open", () => (socket.close(), resolve(101)));
        socket.once("unexpected-response", (_request, response) => (response.resume(), resolve(response.statusCode ?? 0)));
        socket.once("error", (error) => reject(error));
      });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt++) statuses.push(await upgrade());
    assert.deepEqual(statuses, [...Array<number>(20).fill(101), 429]);
  });

  test("the notifications subgraph refuses sockets and subscriptions without a router signature", async () => {
    const url = `ws://127.0.0.1:${platform.ports.notifications}/graphql`;
    const code = await new Promise<number>((resolve) => {
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { identity: "v1.forged.signature" },
        onNonLazyError: () => undefined,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.subscribe({ query: LIVE }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    });
    assert.equal(code, 4401);
  });
});
