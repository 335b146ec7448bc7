// The router's one admission path, end to end through a started platform: the fragment bomb of issue 14 and
// its variants are refused with OPERATION_LIMIT over HTTP, over graphql-ws and through APQ, while the platform
// keeps answering; every operation limit gives the same code over HTTP and WebSocket; an APQ hash that does
// not match its text is a client error with its own code.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createHash } from "node:crypto";
import { networkInterfaces } from "node:os";
import { liveClient, type LiveClient } from "./support/realtime.js";
import { useSharedPlatform } from "./support/platform.js";
import { demoUsers, freePort, graphql, mintAccessToken, startExtraRouter, type ExtraRouter } from "./support/stack.js";

let router: ExtraRouter;
let adminPort: number;
let customerToken: string;
let analystToken: string;
const clients: LiveClient[] = [];

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function fragmentBomb({ levels = 11, fanout = 4, leaf = "__typename", type = "Query", operation = "query Bomb", inline = false } = {}) {
  let text = `${operation} { ...F0 }\n`;
  for (let level = 0; level < levels; level++) {
    const spread = (next: number) => (inline ? `... on ${type} { ...F${next} }` : `...F${next}`);
    const body = level === levels - 1 ? leaf : Array.from({ length: fanout }, () => spread(level + 1)).join(" ");
    text += `fragment F${level} on ${type} { ${body} }\n`;
  }
  return text;
}

async function post(body: unknown, token?: string) {
  const response = await fetch(router.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

/** The first error of a subscribe over graphql-ws (the `error` message of graphql-ws). */
async function subscribeError(token: string, query: string, variables: Record<string, unknown> = {}) {
  const client = liveClient(router.url, token);
  clients.push(client);
  const live = client.subscribe(query, variables);
  const errors = (await live.failed()) as { message: string; extensions?: Record<string, unknown> }[];
  return errors[0];
}

// A router of its own, with operation limits far below what other suites send (router settings only), in
// front of the run's shared platform's subgraphs: the answers that are not refusals come from them. It runs
// as in production (admission does not depend on it; the operational endpoints below are about it).
const platform = useSharedPlatform();

before(async () => {
  await platform.ready;
  adminPort = await freePort();
  router = await startExtraRouter(platform, {
    NODE_ENV: "production",
    ROUTER_ADMIN_PORT: String(adminPort),
    ROUTER_IDENTITY_SECRET: platform.identitySecret,
    REDIS_KEY_PREFIX: platform.redisKeyPrefix,
    // Low enough for the documents below, high enough for the demo's operations.
    OPERATION_MAX_DEPTH: "6",
    OPERATION_MAX_ALIASES: "3",
    OPERATION_MAX_ROOT_FIELDS: "3",
    OPERATION_MAX_DIRECTIVES: "3",
    OPERATION_MAX_TOKENS: "2000",
    COST_MAX_PER_OPERATION: "300",
  });
  const users = await demoUsers(platform.databaseUrl);
  customerToken = await mintAccessToken(platform.tokenKey, users["alice@demo.bank"]!);
  analystToken = await mintAccessToken(platform.tokenKey, users["analyst@demo.bank"]!);
});

after(async () => {
  await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
  await router?.stop();
});


describe("fragment bombs", () => {
  const variants: [string, string][] = [
    ["4^11 spreads of __typename, anonymous", fragmentBomb()],
    ["inline fragments", fragmentBomb({ inline: true })],
    ["nested object fields instead of __typename", fragmentBomb({ leaf: "me { id accounts { id } }" })],
  ];
  for (const [name, query] of variants) {
    test(`${name}: 400 OPERATION_LIMIT (expandedFields) over HTTP, and the platform still answers`, async () => {
      const refused = await post({ query: `# ${Math.random()}\n${query}` });
      assert.equal(refused.status, 400);
      assert.deepEqual(
        [refused.body.errors?.[0]?.extensions?.code, refused.body.errors?.[0]?.extensions?.limit, refused.body.errors?.[0]?.extensions?.max],
        ["OPERATION_LIMIT", "expandedFields", 3_000],
      );
      const me = await graphql<{ me: { id: string } }>(router.url, "{ me { id } }", {}, customerToken);
      assert.ok(me.body.data?.me.id);
    });
  }

  test("through a subscription over graphql-ws: the subscribe is refused with OPERATION_LIMIT", async () => {
    const error = await subscribeError(
      customerToken,
      fragmentBomb({ operation: "subscription Bomb", type: "Subscription", leaf: "notificationReceived { id }" }),
    );
    assert.deepEqual([error?.extensions?.code, error?.extensions?.limit], ["OPERATION_LIMIT", "expandedFields"]);
  });

  test("through APQ: registering the bomb is refused, and its hash alone finds nothing to run", async () => {
    const query = fragmentBomb();
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const registration = await post({ query, extensions });
    assert.deepEqual([registration.status, registration.body.errors?.[0]?.extensions?.code], [400, "OPERATION_LIMIT"]);
    const byHash = await post({ extensions });
    assert.equal(byHash.body.errors?.[0]?.extensions?.code, "PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("every operation limit, the same answer over HTTP and WebSocket", () => {
  const cases: [string, string, string][] = [
    ["tokens", `subscription { notificationReceived { ${"id ".repeat(2_100)} } }`, "tokens"],
    ["depth", `subscription { notificationReceived { transaction { fromAccount { owner { accounts { owner { id } } } } } } }`, "depth"],
    ["aliases", `subscription { notificationReceived { a: id b: id c: id d: id } }`, "aliases"],
    ["directives", `subscription { notificationReceived { id @skip(if: false) title @skip(if: false) kind @skip(if: false) body @skip(if: false) } }`, "directives"],
    ["fragments", `subscription { notificationReceived { ...N0 } } ${Array.from({ length: 101 }, (_, index) => `fragment N${index} on Notification { id }`).join(" ")}`, "fragments"],
    ["fragment spreads", `subscription { notificationReceived { ${"...N ".repeat(501)} } } fragment N on Notification { id }`, "fragmentSpreads"],
  ];
  for (const [name, query, limit] of cases) {
    test(name, async () => {
      const http = await post({ query }, customerToken);
      assert.deepEqual([http.status, http.body.errors?.[0]?.extensions?.code, http.body.errors?.[0]?.extensions?.limit], [400, "OPERATION_LIMIT", limit]);
      const ws = await subscribeError(customerToken, query);
      assert.deepEqual([ws?.extensions?.code, ws?.extensions?.limit], ["OPERATION_LIMIT", limit]);
    });
  }

  test("root fields (without aliases: the same field three times over a fragment)", async () => {
    const query = `subscription { dashboardMetrics { date } ...R ...S } fragment R on Subscription { notificationReceived { id } } fragment S on Subscription { other: dashboardMetrics(intervalSeconds: 2) { date } x: notificationReceived { id } }`;
    const http = await post({ query }, analystToken);
    assert.deepEqual([http.status, http.body.errors?.[0]?.extensions?.code, http.body.errors?.[0]?.extensions?.limit], [400, "OPERATION_LIMIT", "rootFields"]);
    const ws = await subscribeError(analystToken, query);
    assert.deepEqual([ws?.extensions?.code, ws?.extensions?.limit], ["OPERATION_LIMIT", "rootFields"]);
  });

  test("cost", async () => {
    // 1 + 1 + 20 postings × (1 + 1 + 20 holds × 1) = 442 > 300 (lists without a size count COST_DEFAULT_LIST_SIZE).
    const query = `subscription { notificationReceived { transaction { postings { account { holds { id } } } } } }`;
    const http = await post({ query }, customerToken);
    assert.deepEqual([http.status, http.body.errors?.[0]?.extensions?.code], [400, "COST_LIMIT_EXCEEDED"]);
    const ws = await subscribeError(customerToken, query);
    assert.equal(ws?.extensions?.code, "COST_LIMIT_EXCEEDED");
  });
});

describe("persisted queries", () => {
  test("a hash that does not match its text: 400 PERSISTED_QUERY_HASH_MISMATCH, not an internal error", async () => {
    const response = await post({ query: "{ me { id } }", extensions: { persistedQuery: { version: 1, sha256Hash: sha256("{ me { email } }") } } }, customerToken);
    assert.deepEqual([response.status, response.body.errors?.[0]?.extensions?.code], [400, "PERSISTED_QUERY_HASH_MISMATCH"]);
  });

  test("a registered operation runs by hash, checked as its text", async () => {
    const query = "query MeById { me { id } }";
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    assert.ok(((await post({ query, extensions }, customerToken)).body.data as { me?: { id: string } })?.me?.id);
    const byHash = await post({ extensions }, customerToken);
    assert.ok((byHash.body.data as { me?: { id: string } })?.me?.id, JSON.stringify(byHash.body));
  });
});

describe("error hygiene", () => {
  test("a subgraph's error reaches the client without extensions.serviceName (the services' names stay internal)", async () => {
    const response = await post({ query: `mutation { login(email: "nobody-${Date.now()}@example.com", password: "not-the-password") { accessToken } }` });
    const error = response.body.errors?.[0];
    assert.equal(error?.extensions?.code, "INVALID_CREDENTIALS");
    assert.equal(error?.extensions && "serviceName" in error.extensions, false, JSON.stringify(error));
    assert.doesNotMatch(JSON.stringify(response.body), /"users"|serviceName/);
  });
});

describe("operational endpoints", () => {
  test("in production /metrics is not on the router's public port; it is on the admin port, bound to loopback", async () => {
    const publicMetrics = await fetch(`http://127.0.0.1:${router.port}/metrics`);
    assert.equal(publicMetrics.status, 404);
    assert.doesNotMatch(await publicMetrics.text(), /fedbank_router_/);
    const admin = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
    assert.equal(admin.status, 200);
    assert.match(await admin.text(), /# TYPE fedbank_router_requests_total counter/);
    // Not reachable on the host's other addresses (loopback only by default).
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === "IPv4" && !address.internal)?.address;
    if (external) await assert.rejects(fetch(`http://${external}:${adminPort}/metrics`, { signal: AbortSignal.timeout(5_000) }));
  });
});
