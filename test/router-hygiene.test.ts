// Router hygiene through real router processes: trusted documents (strict refuses unknown operations and
// runs listed ones by hash or text; log counts unknown ones), APQ shared by replicas through Redis and
// checked like full documents, CSRF, batching, a request id in every error, and a private Redis killed and
// restarted under traffic (fail open for ordinary requests, closed for auth, normal again afterwards).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { before, describe, test } from "node:test";
import { liveClient } from "./support/realtime.js";
import { buildCustomer } from "./support/builders.js";
import { STRONG_PASSWORD, uniqueEmail } from "./support/identity.js";
import { LOGIN, ROOT, demoUsers, freePort, metricValue, mintAccessToken, startExtraRouter } from "./support/stack.js";
import { useDatabase, useSharedPlatform } from "./support/platform.js";
import { eventually, until } from "./support/wait.js";

interface Reply {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, payload: unknown, token?: string, contentType = "application/json"): Promise<Reply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(payload),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Reply["body"] };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const byHash = (hash: string, variables: Record<string, unknown> = {}) => ({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

function assertRequestId(reply: Reply) {
  const requestId = reply.headers.get("x-request-id");
  assert.ok(requestId, "x-request-id header");
  for (const error of reply.body.errors ?? []) assert.equal(error.extensions?.requestId, requestId, JSON.stringify(error));
}

describe("router hygiene", () => {
  let alice: string;
  let manifest: { operations: { id: string; name: string; body: string }[] };
  // The run's shared platform (alice's demo data is only read); the routers with other settings are replicas
  // of its router, started here in front of its subgraphs, on its Redis prefix and identity secret.
  const platform = useSharedPlatform();
  const db = useDatabase(platform);
  const extraRouter = (env: NodeJS.ProcessEnv) =>
    startExtraRouter(platform, { ROUTER_IDENTITY_SECRET: platform.identitySecret, REDIS_KEY_PREFIX: platform.redisKeyPrefix, ...env });

  before(async () => {
    await platform.ready;
    alice = await mintAccessToken(platform.tokenKey, (await demoUsers(platform.databaseUrl))["alice@demo.bank"]!);
    manifest = JSON.parse(await readFile(`${ROOT}schema/trusted-documents.json`, "utf8"));
  });

  test("the trusted-documents manifest is generated from schema/operations and the playground, and is up to date", async () => {
    const names = manifest.operations.map((operation) => operation.name);
    for (const name of ["Login", "RefreshToken", "Me", "MyAccounts", "AccountHistory", "Transfer", "MyNotifications"]) assert.ok(names.includes(name), name);
    for (const operation of manifest.operations) assert.equal(operation.id, sha256(operation.body), `${operation.name}: id is the body's sha256`);
    const check = spawn(process.execPath, ["--import", "tsx", "scripts/trusted-documents.ts", "--check"], { cwd: ROOT, stdio: "pipe" });
    let output = "";
    check.stdout.on("data", (chunk: Buffer) => (output += chunk));
    check.stderr.on("data", (chunk: Buffer) => (output += chunk));
    assert.equal(await new Promise((resolve) => check.once("exit", resolve)), 0, output);
  });

  test("trusted documents, strict: unknown operations are refused; listed ones run by hash (POST and GET) or by text", async () => {
    const strict = await extraRouter({ TRUSTED_DOCUMENTS: "strict" });
    try {
      const me = manifest.operations.find((operation) => operation.name === "Me")!;
      const unknown = await post(strict.url, { query: "query Sneaky { me { id email } }" }, alice);
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.errors?.[0]?.extensions?.code, "OPERATION_NOT_TRUSTED");
      assert.equal(unknown.body.errors?.[0]?.extensions?.hash, sha256("query Sneaky { me { id email } }"));
      assertRequestId(unknown);
      const unknownHash = await post(strict.url, byHash(sha256("query Other { me { id } }")), alice);
      assert.equal(unknownHash.body.errors?.[0]?.extensions?.code, "OPERATION_NOT_TRUSTED");

      const hashOnly = await post(strict.url, byHash(me.id), alice);
      assert.equal(hashOnly.status, 200, JSON.stringify(hashOnly.body));
      assert.equal(hashOnly.body.data.me.email, "alice@demo.bank");
      const text = await post(strict.url, { query: me.body }, alice);
      assert.equal(text.body.data.me.email, "alice@demo.bank");
      const get = await fetch(`${strict.url}?extensions=${encodeURIComponent(JSON.stringify(byHash(me.id).extensions))}`, {
        headers: { authorization: `Bearer ${alice}`, "apollo-require-preflight": "true" },
      });
      assert.equal(get.status, 200);
      assert.equal(((await get.json()) as Reply["body"]).data.me.email, "alice@demo.bank");
      assert.equal(await metricValue(strict.port, 'fedbank_router_untrusted_operations_total{action="refused"}'), 2);

      // Subscriptions over graphql-ws obey the same manifest: an unlisted one is refused, a listed one runs.
      const live = liveClient(strict.url, alice);
      try {
        const refused = (await live.subscribe("subscription Sneaky { notificationReceived { id body } }").failed(30_000)) as { extensions?: { code?: string } }[];
        assert.equal(refused[0]?.extensions?.code, "OPERATION_NOT_TRUSTED");
        const listed = manifest.operations.find((operation) => operation.name === "LiveNotifications")!;
        live.subscribe(listed.body);
        await until("the listed subscription is live", async () => (await metricValue(strict.port, "fedbank_router_subscriptions_active")) >= 1, { intervalMs: 25 });
      } finally {
        await live.dispose();
      }
      assert.equal(await metricValue(strict.port, 'fedbank_router_untrusted_operations_total{action="refused"}'), 3);
    } finally {
      await strict.stop();
    }
  });

  test("trusted documents, log: unknown operations run and are counted; APQ registered on one replica is found by another", async () => {
    const logging = await extraRouter({ TRUSTED_DOCUMENTS: "log" });
    try {
      const counted = 'fedbank_router_untrusted_operations_total{action="logged"}';
      const me = manifest.operations.find((operation) => operation.name === "Me")!;
      assert.equal((await post(logging.url, { query: me.body }, alice)).body.data.me.email, "alice@demo.bank");
      assert.equal(await metricValue(logging.port, counted), 0, "a listed operation is not counted");
      const unknown = await post(logging.url, { query: "query Unlisted { me { id } }" }, alice);
      assert.equal(unknown.status, 200);
      assert.ok(unknown.body.data.me.id);
      assert.equal(await metricValue(logging.port, counted), 1);

      // APQ: unknown hash, then registration with the text, then the hash alone, on both replicas.
      const query = `# ${randomUUID()}\nquery Apq { me { email } }`;
      const hash = sha256(query);
      const miss = await post(platform.routerUrl, byHash(hash), alice);
      assert.equal(miss.body.errors?.[0]?.extensions?.code, "PERSISTED_QUERY_NOT_FOUND");
      assert.equal((await post(platform.routerUrl, { query, ...byHash(hash) }, alice)).body.data.me.email, "alice@demo.bank");
      assert.equal((await post(platform.routerUrl, byHash(hash), alice)).body.data.me.email, "alice@demo.bank");
      const otherReplica = await eventually("registered in Redis", () => post(logging.url, byHash(hash), alice), (reply) => reply.body.data?.me !== undefined);
      assert.equal(otherReplica.body.data.me.email, "alice@demo.bank");
    } finally {
      await logging.stop();
    }
  });

  test("an operation sent by APQ hash is checked like its text: cost and operation limits apply to its variables", async () => {
    const query = `# ${randomUUID()}\nquery Costly($n: Int) { me { notifications(first: $n) { edges { node { id } } } } }`;
    const hash = sha256(query);
    const registered = await post(platform.routerUrl, { query, ...byHash(hash, { n: 1 }) }, alice);
    assert.equal(registered.body.errors, undefined, JSON.stringify(registered.body.errors));
    const costly = await post(platform.routerUrl, byHash(hash, { n: 100_000_000 }), alice);
    assert.equal(costly.status, 400);
    assert.equal(costly.body.errors?.[0]?.extensions?.code, "COST_LIMIT_EXCEEDED");
  });

  test("CSRF and batching: text/plain POST, mutation over GET and batched operations are refused; nothing reaches a subgraph", async () => {
    // The users service records every login attempt it answers for an existing account (a LOGIN_FAILED
    // security event, written before it answers): the suite's own customer's count says whether one arrived.
    const customer = await buildCustomer(db.prisma, uniqueEmail("csrf"), STRONG_PASSWORD);
    const attemptsSeen = () => db.prisma.securityEvent.count({ where: { userId: customer.id, type: "LOGIN_FAILED" } });
    const login = { query: LOGIN, variables: { email: customer.email, password: "wrong-password-123" } };
    const plain = await post(platform.routerUrl, login, undefined, "text/plain");
    assert.equal(plain.status, 400);
    const get = await fetch(`${platform.routerUrl}?query=${encodeURIComponent(LOGIN)}&variables=${encodeURIComponent(JSON.stringify(login.variables))}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    assert.equal(get.status, 405);
    const batch = await post(platform.routerUrl, [login, login, login]);
    assert.equal(batch.status, 400);
    assert.equal(await attemptsSeen(), 0, "no login attempt reached the users service");
    // Control: the same attempt as a plain JSON POST reaches it, and is counted.
    assert.equal((await post(platform.routerUrl, login)).body.errors?.[0]?.extensions?.code, "INVALID_CREDENTIALS");
    assert.equal(await attemptsSeen(), 1, "an ordinary login attempt is recorded");
  });

  test("errors carry the request id and no internals: validation, bad token, masked failures", async () => {
    const invalid = await post(platform.routerUrl, { query: "{ me { nope } }" }, alice);
    assert.equal(invalid.body.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    assertRequestId(invalid);
    const badToken = await post(platform.routerUrl, { query: "{ me { id } }" }, "not-a-token");
    assert.equal(badToken.status, 401);
    assertRequestId(badToken);
    const notFound = await post(platform.routerUrl, { query: "query ($id: ID!) { account(id: $id) { id } }", variables: { id: "not-a-uuid" } }, alice);
    assertRequestId(notFound);
    for (const reply of [invalid, badToken, notFound]) {
      assert.doesNotMatch(JSON.stringify(reply.body), /stacktrace|at .*\.ts:\d+|SELECT |127\.0\.0\.1|localhost:\d+/i);
    }
  });

  test("a private Redis killed under traffic: ordinary requests keep flowing, auth fails closed, all normal once it is back", async () => {
    const port = await freePort();
    const startRedis = () => spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    let redis: ChildProcess = startRedis();
    const redisUrl = `redis://127.0.0.1:${port}`;
    const router = await eventually(
      "router on the private Redis",
      () => extraRouter({ REDIS_URL: redisUrl }).catch(() => null),
      (started) => started !== null,
    );
    const customer = await buildCustomer(db.prisma, uniqueEmail("redis-outage"), STRONG_PASSWORD);
    const loginReply = () => post(router!.url, { query: LOGIN, variables: { email: customer.email, password: STRONG_PASSWORD } });
    try {
      assert.equal((await post(router!.url, { query: "{ __typename }" })).status, 200);
      assert.equal((await loginReply()).status, 200);
      redis.kill("SIGKILL");
      await new Promise((resolve) => redis.once("exit", resolve));
      for (let index = 0; index < 10; index++) {
        const reply = await post(router!.url, { query: "{ __typename }" });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
      }
      const refused = await loginReply();
      assert.equal(refused.status, 503);
      assert.equal(refused.body.errors?.[0]?.extensions?.code, "SERVICE_UNAVAILABLE");
      assert.ok((await metricValue(router!.port, "fedbank_router_rate_limit_store_failures_total")) >= 10);
      assert.equal((await fetch(`http://127.0.0.1:${router!.port}/health`)).status, 200, "no crash");

      redis = startRedis();
      const back = await eventually("login works again", loginReply, (reply) => reply.status === 200);
      assert.ok(back.body.data.login.accessToken);
      const failures = await metricValue(router!.port, "fedbank_router_rate_limit_store_failures_total");
      assert.equal((await post(router!.url, { query: "{ __typename }" })).status, 200);
      assert.equal(await metricValue(router!.port, "fedbank_router_rate_limit_store_failures_total"), failures, "the shared counters are used again");
    } finally {
      await router?.stop();
      redis.kill("SIGKILL");
    }
  });
});
