// The router's hot-path speedups keep their guarantees: a verified token is not verified again until its
// expiry but its session's revocation is still checked on every request (in the rate-limit call to Redis:
// one round trip), the shared document cache respects each caller's token cap, and identical concurrent
// reads of one identity share one execution while other identities never do. The process-level tests run
// our router (router/src/main.ts) on the public benchmark supergraph (bench/federation) with real Redis.
import assert from "node:assert/strict";
import { createPublicKey, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { exportJWK, type JWTVerifyGetKey, createLocalJWKSet } from "jose";
import { createClient } from "redis";
import { createLogger } from "#kernel/logger.js";
import { revokeSessions } from "#kernel/revocation.js";
import { createMemoryStore, createSharedStore } from "#kernel/shared-store.js";
import { composeFederationSupergraph } from "../../bench/federation/compose.js";
import { FEDERATION_QUERY } from "../../bench/federation/query.js";
import { startFederationSubgraphs } from "../../bench/federation/subgraphs.js";
import { spawnTs, waitFor, httpOk, type Child } from "../../bench/support.js";
import { createTokenVerifier, revocationKey } from "../src/auth.js";
import { DocumentCache } from "../src/document-cache.js";
import { InflightReads } from "../src/inflight.js";
import { HeaderMap } from "@apollo/server";
import { Registry } from "prom-client";
import { createSubgraphFetcher } from "../src/subgraph-fetcher.js";
import { TEST_REDIS_URL, createTokenKey, freePort, metricValue, mintAccessToken, registerRouterAdminPort, type TokenKey } from "../../test/support/stack.js";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function jwksOf(key: TokenKey) {
  return { keys: [{ ...(await exportJWK(createPublicKey(key.privateKey))), kid: key.kid, alg: "EdDSA", use: "sig" }] };
}

describe("verified-token cache", () => {
  test("a token is verified once until its expiry, and revocation is still read every time", async () => {
    const key = await createTokenKey();
    const local = createLocalJWKSet(await jwksOf(key));
    let keyLookups = 0;
    const keys: JWTVerifyGetKey = (header, token) => {
      keyLookups += 1;
      return local(header, token);
    };
    let clock = Date.now();
    const store = createMemoryStore();
    const verifier = createTokenVerifier({ jwksUrl: "http://127.0.0.1:9/unused", issuer: "fedbank-users", audience: "fedbank", store, keys, now: () => clock });
    const sid = randomUUID();
    const token = await mintAccessToken(key, { id: randomUUID(), role: "CUSTOMER" }, { claims: { sid } });
    const first = await verifier.verify(`Bearer ${token}`);
    const second = await verifier.verify(`Bearer ${token}`);
    assert.equal(keyLookups, 1, "the second request reuses the verified caller");
    assert.deepEqual(second, first);
    assert.ok(Object.isFrozen(second), "one caller object is shared: it cannot be changed by a request");

    await revokeSessions(store, [sid], 60);
    await assert.rejects(verifier.verify(`Bearer ${token}`), /revoked/, "a cached token's revoked session is refused");
    assert.equal((await store.getMany([revocationKey({ sessionId: sid })]))[0], "1", "revocationKey names the key kernel/revocation.ts writes");

    // Past the token's exp the cache no longer answers: the token is verified again (jose decides).
    clock += 3_600_000;
    await verifier.verifyIgnoringRevocation(`Bearer ${token}`);
    assert.equal(keyLookups, 2);
  });

  test("a bad token is never cached as good, and a different token is verified on its own", async () => {
    const key = await createTokenKey();
    const verifier = createTokenVerifier({ jwksUrl: "http://127.0.0.1:9/unused", issuer: "fedbank-users", audience: "fedbank", store: createMemoryStore(), keys: createLocalJWKSet(await jwksOf(key)) });
    const good = await mintAccessToken(key, { id: randomUUID(), role: "CUSTOMER" });
    await verifier.verify(`Bearer ${good}`);
    const [header, payload] = good.split(".");
    const forged = `${header}.${payload}.${Buffer.alloc(64).toString("base64url")}`;
    await assert.rejects(verifier.verify(`Bearer ${forged}`), /invalid/);
    await assert.rejects(verifier.verify(`Bearer ${forged}`), /invalid/, "still refused the second time");
    const otherAudience = await mintAccessToken(key, { id: randomUUID(), role: "CUSTOMER" }, { audience: "elsewhere" });
    await assert.rejects(verifier.verify(`Bearer ${otherAudience}`), /invalid/);
  });
});

describe("shared document cache", () => {
  test("a document parsed under a large token cap is re-checked under a smaller one", () => {
    const cache = new DocumentCache(10);
    const query = `{ ${Array.from({ length: 40 }, (_, i) => `f${i}`).join(" ")} }`;
    assert.equal(cache.parse(query, 1_000).kind, "document");
    assert.equal(cache.parse(query, 20).kind, "tooManyTokens", "the smaller cap still refuses it");
    assert.equal(cache.parse(query, 1_000).kind, "document");
    assert.equal(cache.parse("{ broken", 1_000).kind, "syntaxError");
  });

  test("it is bounded: the least recently used document goes first", () => {
    const cache = new DocumentCache(3);
    for (const name of ["a", "b", "c"]) cache.parse(`{ ${name} }`, 100);
    const a = cache.parse("{ a }", 100);
    cache.parse("{ d }", 100);
    assert.equal(cache.size, 3);
    assert.equal(cache.parse("{ a }", 100), a, "recently used: still cached (same object)");
  });
});

describe("lean subgraph fetcher", () => {
  test("answers what the gateway's data source reads, reuses sockets, and honours the timeout", async () => {
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      if (req.url === "/hang") return; // never answers
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => res.writeHead(200, { "content-type": "application/json", "x-echo": req.headers["x-echo"] ?? "" }).end(JSON.stringify({ data: { echo: Buffer.concat(chunks).toString() } })));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const fetcher = createSubgraphFetcher();
      for (let i = 0; i < 3; i++) {
        const response = await fetcher(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-echo": "é" }, body: '{"query":"{ é }"}' });
        assert.equal(response.ok, true);
        assert.equal(response.headers.get("Content-Type"), "application/json");
        assert.deepEqual(await response.json(), { data: { echo: '{"query":"{ é }"}' } });
      }
      assert.equal(sockets.size, 1, "one kept-alive socket for sequential calls");
      await assert.rejects(fetcher(`${base}/hang`, { method: "POST", body: "{}", timeout: 200 } as Parameters<typeof fetcher>[1]), /timed out/);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

describe("rate limits and revocation in one Redis call", () => {
  test("consumeAndGet counts the buckets and reads the keys atomically", async () => {
    const prefix = `fedbank-test-${randomBytes(4).toString("hex")}:`;
    const store = await createSharedStore({ url: TEST_REDIS_URL, prefix, logger: createLogger("test", "silent") });
    try {
      await store.set("revoked:session:x", "1", 30);
      const first = await store.consumeAndGet!([{ key: "rl:a", amount: 2, windowMs: 10_000 }], ["revoked:session:x", "revoked:session:y"]);
      const second = await store.consumeAndGet!([{ key: "rl:a", amount: 3, windowMs: 10_000 }], ["revoked:session:y"]);
      assert.equal(first.states[0]!.count, 2);
      assert.equal(second.states[0]!.count, 5);
      assert.ok(second.states[0]!.resetMs > 0 && second.states[0]!.resetMs <= 10_000);
      assert.deepEqual(first.values, ["1", null]);
      assert.deepEqual(second.values, [null]);
    } finally {
      await store.delete("rl:a");
      await store.delete("revoked:session:x");
      await store.close();
    }
  });
});

describe("router on the benchmark supergraph", () => {
  let subgraphs: Awaited<ReturnType<typeof startFederationSubgraphs>>;
  let router: Child;
  let routerUrl: string;
  let routerPort: number;
  let jwks: Server;
  let key: TokenKey;
  let dir: string;
  const prefix = `fedbank-test-${randomBytes(4).toString("hex")}:`;
  /** Requests the reviews subgraph received, and a gate that holds them while closed. */
  let reviewsRequests = 0;
  let gate: Promise<void> = Promise.resolve();
  let gateHolder: Server | undefined;
  /** Closes a server without waiting for the router's idle keep-alive sockets to go. */
  const close = (server: Server | undefined) =>
    new Promise((resolve) => {
      if (!server) return resolve(undefined);
      server.close(resolve);
      server.closeAllConnections();
    });

  before(async () => {
    subgraphs = await startFederationSubgraphs();
    // A gate in front of the reviews subgraph: requests wait while the test holds it closed.
    const reviewsTarget = subgraphs.urls.reviews;
    const gatePort = await freePort();
    const gateServer = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.url?.startsWith("/graphql")) {
        reviewsRequests += 1;
        await gate;
      }
      const upstream = await fetch(new URL(req.url ?? "/", reviewsTarget), {
        method: req.method,
        headers: { "content-type": "application/json" },
        body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => gateServer.listen(gatePort, "127.0.0.1", resolve));
    gateHolder = gateServer;

    key = await createTokenKey();
    const body = JSON.stringify(await jwksOf(key));
    jwks = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    const jwksPort = await freePort();
    await new Promise<void>((resolve) => jwks.listen(jwksPort, "127.0.0.1", resolve));
    dir = await mkdtemp(join(tmpdir(), "fedbank-speed-"));
    await writeFile(join(dir, "supergraph.graphql"), composeFederationSupergraph());
    routerPort = await freePort();
    const adminPort = await freePort();
    registerRouterAdminPort(routerPort, adminPort);
    router = spawnTs("router/src/main.ts", {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      ROUTER_PORT: String(routerPort),
      ROUTER_ADMIN_PORT: String(adminPort),
      SUPERGRAPH_PATH: join(dir, "supergraph.graphql"),
      SUBGRAPH_ACCOUNTS_URL: subgraphs.urls.accounts,
      SUBGRAPH_INVENTORY_URL: subgraphs.urls.inventory,
      SUBGRAPH_PRODUCTS_URL: subgraphs.urls.products,
      SUBGRAPH_REVIEWS_URL: `http://127.0.0.1:${gatePort}/graphql`,
      JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks`,
      ROUTER_IDENTITY_SECRET: randomBytes(32).toString("base64url"),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      COST_MAX_PER_OPERATION: "100000000",
      RATE_LIMIT_COST_POINTS: "2000000000",
    });
    routerUrl = `http://127.0.0.1:${routerPort}/graphql`;
    await waitFor(router, httpOk(`http://127.0.0.1:${routerPort}/ready`), 90_000, "router");
  });

  after(async () => {
    await router?.stop();
    await subgraphs?.stop();
    await close(jwks);
    await close(gateHolder);
    if (dir) await rm(dir, { recursive: true, force: true });
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) if (keys.length) await client.del(keys);
    await client.quit();
  });

  const ask = (token: string, query = FEDERATION_QUERY) =>
    fetch(routerUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) }).then(
      async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } }),
    );

  /** Requests counted so far against these users' request buckets (the rate limiter runs just before execution). */
  async function requestsCounted(userIds: string[]): Promise<number> {
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    try {
      const values = await client.mGet(userIds.map((id) => `${prefix}rl:req:user:${id}`));
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    } finally {
      await client.quit();
    }
  }

  /**
   * Sends one identical query per token while the reviews subgraph is held closed, and opens it only once
   * every request has passed the rate limiter (the last step before it joins or starts an execution).
   */
  async function concurrently(requests: { token: string; userId: string }[]) {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const userIds = [...new Set(requests.map((request) => request.userId))];
    const counted = await requestsCounted(userIds);
    const before = reviewsRequests;
    const replies = Promise.all(requests.map((request) => ask(request.token)));
    while ((await requestsCounted(userIds)) < counted + requests.length || reviewsRequests === before) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const answers = await replies;
    gate = Promise.resolve();
    return { answers, reviewsFetches: reviewsRequests - before };
  }

  const customer = async () => {
    const userId = randomUUID();
    return { userId, token: await mintAccessToken(key, { id: userId, role: "CUSTOMER" }) };
  };

  test("identical concurrent reads of one identity share one execution, with the same answer", async () => {
    const one = await customer();
    const alone = await ask(one.token);
    assert.equal(alone.status, 200, JSON.stringify(alone.body));
    const fetchesPerExecution = (await concurrently([one])).reviewsFetches;
    const joinedBefore = await metricValue(routerPort, "fedbank_router_deduplicated_requests_total");
    const { answers, reviewsFetches } = await concurrently([one, one, one, one, one]);
    for (const answer of answers) assert.deepEqual(answer, alone);
    assert.equal(reviewsFetches, fetchesPerExecution, "five requests, the subgraph fetches of one execution");
    assert.equal((await metricValue(routerPort, "fedbank_router_deduplicated_requests_total")) - joinedBefore, 4);
  });

  test("different identities never share an execution", async () => {
    const customers = await Promise.all([1, 2, 3].map(() => customer()));
    const fetchesPerExecution = (await concurrently([customers[0]!])).reviewsFetches;
    const { answers, reviewsFetches } = await concurrently(customers);
    for (const answer of answers) assert.equal(answer.status, 200);
    assert.equal(reviewsFetches, 3 * fetchesPerExecution);
  });

  test("a revoked session is refused on the next request even though its token was verified before", async () => {
    const sid = randomUUID();
    const token = await mintAccessToken(key, { id: randomUUID(), role: "CUSTOMER" }, { claims: { sid } });
    assert.equal((await ask(token, "{ topProducts { upc } }")).status, 200);
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    await client.set(`${prefix}revoked:session:${sid}`, "1", { expiration: { type: "EX", value: 60 } });
    await client.quit();
    const refused = await ask(token, "{ topProducts { upc } }");
    assert.equal(refused.status, 401);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  });
});

describe("in-flight de-duplication keeps read-your-writes", () => {
  const identity = { caller: { userId: "u1", sessionId: "s1", role: "CUSTOMER" }, ip: "127.0.0.1" };
  const fields = { query: "{ me { accounts { balance { amount } } } }" };
  const answer = (text: string) => async () => ({ status: 200, headers: new HeaderMap([["content-type", "application/json"]]), body: { kind: "complete" as const, string: text } });

  test("a read arriving after the identity's write began does not join a read from before it", async () => {
    const reads = new InflightReads(new Registry());
    let finishFirst!: () => void;
    const first = reads.run(reads.keyOf(identity, fields, undefined), async () => {
      await new Promise<void>((resolve) => (finishFirst = resolve));
      return answer("before the transfer")();
    }, () => ({}));
    // Same identity, same read, while the first is still executing: it joins.
    const joining = reads.run(reads.keyOf(identity, fields, undefined), answer("never executed"), () => ({}));
    reads.writeStarted(identity); // the transfer starts ...
    reads.writeStarted(identity); // ... and commits
    const after = reads.run(reads.keyOf(identity, fields, undefined), answer("after the transfer"), () => ({}));
    const fresh = await after;
    finishFirst();
    assert.equal(fresh.joined, null);
    assert.equal((fresh.response.body as { string: string }).string, "after the transfer");
    assert.equal(((await joining).response as { body: string }).body, "before the transfer");
    assert.equal((await first).joined, null, "the first read executed itself");
  });

  test("another identity's write does not change this identity's key", () => {
    const reads = new InflightReads(new Registry());
    const key = reads.keyOf(identity, fields, undefined);
    reads.writeStarted({ caller: { userId: "u2", sessionId: "s2", role: "CUSTOMER" }, ip: "127.0.0.1" });
    assert.equal(reads.keyOf(identity, fields, undefined), key);
    reads.writeStarted(identity);
    assert.notEqual(reads.keyOf(identity, fields, undefined), key);
  });
});
