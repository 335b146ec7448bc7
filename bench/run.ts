// `npm run bench`: the benchmark suite. Each scenario runs our router (every feature on: JWT verification,
// authorization directives, rate limits in Redis, operation limits, cost) side by side, in the same run, with
// the BASELINE (bench/baseline.ts: stock @apollo/gateway + @apollo/server, default settings), one process
// each, after checking both answer the same. Load: autocannon, constant connections, loopback, a warm-up then
// several measured runs (order alternated), medians. Writes its section of docs/benchmarks.md.
//   (1) dashboard: me → accounts → balances → last 20 transactions (postings, accounts, owners), SQL per request
//   (2) transfers: real ledger, a fresh idempotency key per request
//   (3) subscription fan-out: bench/subscriptions.ts (another helper's) when present, else "pending"
//   (4) federation: The Guild's public 4-subgraph benchmark supergraph, in-memory subgraphs (bench/federation)
// Extra rows: the router with de-duplication off (every request executes), and for (4) the same router with
// stock @apollo/gateway's executor (ROUTER_ENGINE=apollo), and the second baseline, Hive Gateway with the Hive
// Router runtime (bench/federation/hive-gateway.ts).
// Options: --runs 3 --seconds 8 --warmup 3 --connections 32 (scenario 4) --bank-connections 8 (scenarios 1, 2)
//          --scenarios federation,dashboard,transfers,subscriptions
//          --profile (router CPU-profiled during one extra run, .cpuprofile files in .data/bench-profiles, summary in the
//          docs) --soak <seconds> (scenario 4 under load that long, RSS must not grow) --no-write
import { createPublicKey, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { decodeJwt, exportJWK } from "jose";
import pg from "pg";
import { createClient } from "redis";
import { createDatabase } from "#kernel/db.js";
import { scopesOf } from "#kernel/scopes.js";
import type { Role } from "#kernel/identity.js";
import { buildAccountsWithHistory, buildCustomer, LEDGER_OPS } from "../test/support/builders.js";
import {
  DEMO_PASSWORD,
  GENEROUS_RATE_LIMITS,
  ROOT,
  TEST_REDIS_URL,
  createTestDatabase,
  createTokenKey,
  freePort,
  graphql,
  login,
  mintAccessToken,
  sqlStatementCount,
  startStack,
} from "../test/support/stack.js";
import { FEDERATION_SUPERGRAPH_URL, writeFederationSupergraph } from "./federation/compose.js";
import { FEDERATION_QUERY } from "./federation/query.js";
import { DASHBOARD_QUERY } from "./dashboard-query.js";
import { summarise } from "./profile-summary.js";
import { cpuMs, httpOk, inspectorProfiler, load, median, normalised, rssMiB, spawnTs, waitFor, writeDocsSection, type Child, type LoadResult } from "./support.js";

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    // The bank's six subgraphs run in one process on the same two cores: fewer connections saturate them.
    "bank-connections": { type: "string", default: "8" },
    scenarios: { type: "string", default: "federation,dashboard,transfers,subscriptions" },
    profile: { type: "boolean", default: false },
    soak: { type: "string", default: "0" },
    "no-write": { type: "boolean", default: false },
  },
});
const RUNS = Number(options.runs);
const SECONDS = Number(options.seconds);
const WARMUP = Number(options.warmup);
const CONNECTIONS = Number(options.connections);
const BANK_CONNECTIONS = Number(options["bank-connections"]);
const SCENARIOS = new Set(options.scenarios.split(","));
const SOAK = Number(options.soak);
// Under .data/ (ignored by git): profiles are large and machine-specific.
const PROFILE_DIR = `${ROOT}.data/bench-profiles`;
const startedAt = new Date();
const loadAtStart = os.loadavg();

/** Router settings for every scenario: all features on, limits far above what one bench client sends. */
const ROUTER_BENCH_ENV: NodeJS.ProcessEnv = {
  ...GENEROUS_RATE_LIMITS,
  RATE_LIMIT_REQUESTS: "1000000000",
  // Every router process of a scenario shares one Redis prefix, so one user's budget: make it unreachable.
  RATE_LIMIT_COST_POINTS: "1000000000000000",
  // The public benchmark query is estimated at 353,640 points with the default list size of 20 (lists of
  // lists, seven levels): the cost is still computed and charged, the per-operation cap is raised.
  COST_MAX_PER_OPERATION: "100000000",
  // The shared machine can stall any process for a while: the Redis checks keep failing closed (503), only later.
  RATE_LIMIT_STORE_TIMEOUT_MS: "2000",
  REVOCATION_CHECK_TIMEOUT_MS: "2000",
  NODE_ENV: "production",
  // Several routers run side by side: each takes a free admin port (production's default is 9400).
  ROUTER_ADMIN_PORT: "0",
  LOG_LEVEL: "warn",
};

interface Side {
  /** "router", "baseline", or a router variant such as "router, de-dup off". */
  name: string;
  url: string;
  child: Child;
  headers: Record<string, string>;
  /** Set with --profile: the process's inspector port. */
  inspectPort?: number;
}

interface ScenarioResult {
  id: string;
  title: string;
  /** Runs per side name; "baseline" is what every other side is compared with. */
  runs: Map<string, LoadResult[]>;
  rss: Map<string, number>;
  notes: string[];
}

const results: ScenarioResult[] = [];
const pending: string[] = [];
const extraSections: string[] = [];
const profileSections: string[] = [];

async function clearRedisPrefix(prefix: string) {
  const client = createClient({ url: TEST_REDIS_URL });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await client.del(keys);
  } finally {
    await client.quit();
  }
}

/** Our router in its own process; with --profile, with the inspector open on a loopback port for profiling. */
async function startRouterProcess(env: NodeJS.ProcessEnv): Promise<{ child: Child; url: string; inspectPort?: number }> {
  const port = await freePort();
  const inspectPort = options.profile ? await freePort() : undefined;
  const flags = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  const child = spawnTs("router/src/main.ts", { ...ROUTER_BENCH_ENV, ROUTER_PORT: String(port), REDIS_URL: TEST_REDIS_URL, ...env }, flags);
  await waitFor(child, httpOk(`http://127.0.0.1:${port}/ready`), 90_000, "router");
  return { child, url: `http://127.0.0.1:${port}/graphql`, inspectPort };
}

/** --profile: one extra run per side, CPU-profiled through the inspector; summaries kept for the docs. */
async function profileSides(id: string, sides: Side[], body: string | (() => string)) {
  for (const side of sides) if (side.inspectPort) await profileSide(`${id}-${side.name.replace(/[^a-z]+/g, "-")}`, side, side.inspectPort, body);
}

async function profileSide(id: string, side: Side, inspectPort: number, body: string | (() => string)) {
  const profiler = await inspectorProfiler(inspectPort);
  await profiler.start();
  const connections = id.startsWith("federation") ? CONNECTIONS : BANK_CONNECTIONS;
  const result = await load({ url: side.url, body, headers: side.headers, connections, seconds: SECONDS });
  const profile = await profiler.stop();
  if (result.non2xx) throw new Error(`profile ${id}: ${result.non2xx} non-2xx responses (${JSON.stringify(result.statuses)}), ${result.errors} errors`);
  profiler.close();
  const file = `${PROFILE_DIR}/${id}.cpuprofile`;
  await writeFile(file, JSON.stringify(profile));
  const summary = summarise(profile as Parameters<typeof summarise>[0], 20);
  profileSections.push(
    `### Profile: ${id} (${result.requests} requests at ${result.rps.toFixed(0)} req/s, ${summary.totalMs.toFixed(0)} ms sampled; \`${file.replace(ROOT, "")}\`)\n\n${summary.modules}\n\n${summary.functions}`,
  );
  console.log(`profile written: ${file}`);
}

async function startBaselineProcess(env: NodeJS.ProcessEnv): Promise<{ child: Child; url: string; inspectPort?: number }> {
  const port = await freePort();
  const inspectPort = options.profile ? await freePort() : undefined;
  const flags = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  const child = spawnTs("bench/baseline.ts", { NODE_ENV: "production", PORT: String(port), ...env }, flags);
  await waitFor(child, async () => child.output().includes("baseline listening"), 90_000, "baseline");
  return { child, url: `http://127.0.0.1:${port}/graphql`, inspectPort };
}

const HIVE = "Hive Gateway + router runtime";
const ROUTER_NO_DEDUP = "router, de-dup off";

/** Hive Gateway 2 with @graphql-hive/router-runtime, one process (the second baseline of scenario 4). */
async function startHiveGatewayProcess(env: NodeJS.ProcessEnv): Promise<{ child: Child; url: string; inspectPort?: number }> {
  const port = await freePort();
  const inspectPort = options.profile ? await freePort() : undefined;
  const flags = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  const child = spawnTs("bench/federation/hive-gateway.ts", { NODE_ENV: "production", PORT: String(port), ...env }, flags);
  await waitFor(child, httpOk(`http://127.0.0.1:${port}/healthcheck`), 90_000, "hive gateway");
  return { child, url: `http://127.0.0.1:${port}/graphql`, inspectPort };
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

/** Both sides must answer the same (normalised JSON) before anything is measured. */
async function assertSameAnswer(sides: Side[], body: string) {
  const answers = await Promise.all(sides.map(async (side) => ({ side: side.name, ...(await post(side.url, body, side.headers)) })));
  const [first, ...rest] = answers;
  for (const other of rest) {
    if (normalised(other.body) !== normalised(first!.body) || other.status !== first!.status) {
      throw new Error(`${other.side} and ${first!.side} answer differently:\n${JSON.stringify(other.body).slice(0, 800)}\n${JSON.stringify(first!.body).slice(0, 800)}`);
    }
  }
  if (first!.status !== 200 || first!.body.errors) throw new Error(`the scenario's operation fails: ${JSON.stringify(first!.body).slice(0, 800)}`);
  return first!.body;
}

/** Warm-up, then RUNS measured runs per side, alternating which side goes first. */
async function measureSides(id: string, title: string, sides: Side[], body: string | (() => string), notes: string[] = []): Promise<ScenarioResult> {
  const connections = id === "federation" ? CONNECTIONS : BANK_CONNECTIONS;
  for (const side of sides) {
    const warm = await load({ url: side.url, body, headers: side.headers, connections, seconds: WARMUP });
    if (warm.non2xx) throw new Error(`${id}/${side.name} warm-up: ${warm.non2xx} non-2xx responses (${JSON.stringify(warm.statuses)})`);
  }
  const runs = new Map<string, LoadResult[]>(sides.map((side) => [side.name, []]));
  const rss = new Map<string, number>(sides.map((side) => [side.name, 0]));
  for (let run = 0; run < RUNS; run += 1) {
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const cpuBefore = await cpuMs(side.child.pid);
      const result = await load({ url: side.url, body, headers: side.headers, connections, seconds: SECONDS });
      result.cpuPerRequest = ((await cpuMs(side.child.pid)) - cpuBefore) / Math.max(1, result.requests);
      rss.set(side.name, Math.max(rss.get(side.name)!, await rssMiB(side.child.pid)));
      // A wrong answer stops the bench; a timeout (machine starved) is reported with the run instead.
      if (result.non2xx) throw new Error(`${id}/${side.name}: ${result.non2xx} non-2xx responses (${JSON.stringify(result.statuses)}), ${result.errors} errors`);
      runs.get(side.name)!.push(result);
      console.log(`${id} run ${run + 1} ${side.name}: ${result.rps.toFixed(0)} req/s p50 ${result.p50} ms p99 ${result.p99} ms, ${result.cpuPerRequest.toFixed(2)} CPU ms/request`);
    }
  }
  const result: ScenarioResult = { id, title, runs, rss, notes };
  results.push(result);
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// (4) pure federation: in-memory subgraphs, our router on the public supergraph, a JWT from a local JWKS.

async function federationScenario() {
  await writeFederationSupergraph();
  const subgraphs = spawnTs("bench/federation/subgraphs.ts", { NODE_ENV: "production" });
  const cleanups: (() => Promise<unknown>)[] = [() => subgraphs.stop()];
  const prefix = `fedbank-bench-${randomBytes(4).toString("hex")}:`;
  try {
    await waitFor(subgraphs, async () => subgraphs.output().includes("}"), 60_000, "federation subgraphs");
    const urls = JSON.parse(subgraphs.output().trim().split("\n").at(-1)!) as Record<string, string>;
    const subgraphEnv = Object.fromEntries(Object.entries(urls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));

    // The users service is not part of this supergraph: the bench publishes its own JWKS and mints a token.
    const key = await createTokenKey();
    const jwk = { ...(await exportJWK(createPublicKey(key.privateKey))), kid: key.kid, alg: "EdDSA", use: "sig" };
    const jwks: Server = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
    const jwksPort = await freePort();
    await new Promise<void>((resolve) => jwks.listen(jwksPort, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => jwks.close(resolve)));
    const token = await mintAccessToken(key, { id: randomUUID(), role: "CUSTOMER" }, { exp: Math.floor(Date.now() / 1000) + 3_600 });

    const routerEnv = {
      SUPERGRAPH_PATH: FEDERATION_SUPERGRAPH_URL.pathname,
      JWKS_URL: `http://127.0.0.1:${jwksPort}/.well-known/jwks.json`,
      ROUTER_IDENTITY_SECRET: randomBytes(32).toString("base64url"),
      REDIS_KEY_PREFIX: prefix,
      // The bench's token lives an hour (a run with --soak outlasts the default 15 minutes).
      ACCESS_TOKEN_TTL_SECONDS: "3600",
      ...subgraphEnv,
    };
    const router = await startRouterProcess(routerEnv);
    cleanups.push(() => router.child.stop());
    const baseline = await startBaselineProcess({ SUPERGRAPH_PATH: FEDERATION_SUPERGRAPH_URL.pathname, ...subgraphEnv });
    cleanups.push(() => baseline.child.stop());
    // The second baseline: Hive Gateway with the Hive Router runtime (bench/federation/hive-gateway.ts).
    const hive = await startHiveGatewayProcess({ SUPERGRAPH_PATH: FEDERATION_SUPERGRAPH_URL.pathname, ...subgraphEnv });
    cleanups.push(() => hive.child.stop());
    // The same router with in-flight de-duplication off: what the router costs when every request executes.
    const plain = await startRouterProcess({ ...routerEnv, ROUTER_DEDUPLICATE_READS: "false" });
    cleanups.push(() => plain.child.stop());
    // And with stock @apollo/gateway's executor instead of the router's engine (ROUTER_ENGINE=apollo).
    const stockExecutor = await startRouterProcess({ ...routerEnv, ROUTER_DEDUPLICATE_READS: "false", ROUTER_ENGINE: "apollo" });
    cleanups.push(() => stockExecutor.child.stop());
    const auth = { authorization: `Bearer ${token}` };
    const sides: Side[] = [
      { name: "router", url: router.url, child: router.child, headers: auth, inspectPort: router.inspectPort },
      { name: ROUTER_NO_DEDUP, url: plain.url, child: plain.child, headers: auth, inspectPort: plain.inspectPort },
      { name: "router, de-dup off, stock executor (ROUTER_ENGINE=apollo)", url: stockExecutor.url, child: stockExecutor.child, headers: auth },
      { name: "baseline", url: baseline.url, child: baseline.child, headers: {}, inspectPort: baseline.inspectPort },
      { name: HIVE, url: hive.url, child: hive.child, headers: {}, inspectPort: hive.inspectPort },
    ];
    const body = JSON.stringify({ query: FEDERATION_QUERY, operationName: "TestQuery" });
    const answer = await assertSameAnswer(sides, body);
    const bytes = JSON.stringify(answer).length;
    await measureSides("federation", "(4) pure federation: The Guild's products/reviews/accounts/inventory supergraph, in-memory subgraphs", sides, body, [
      `identical responses checked before measuring (${bytes} bytes of JSON); the router verifies the JWT (EdDSA, local JWKS) and its session in Redis, applies rate limits (Redis) and operation limits on every request`,
    ]);
    await profileSides("federation", sides, body);
    if (SOAK > 0) await soak(sides[0]!, body);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await clearRedisPrefix(prefix).catch(() => undefined);
  }
}

/**
 * Constant load on the router for SOAK seconds; RSS (from /proc) and V8 heap used (the router's
 * `fedbank_router_nodejs_heap_size_used_bytes`) sampled every 10 s: the last third's median must not exceed
 * the first third's by more than 10 %. RSS alone over-reports: V8 grows its heap before it collects.
 */
async function soak(side: Side, body: string) {
  const rss: number[] = [];
  const heap: number[] = [];
  const metricsUrl = new URL("/metrics", side.url);
  const sampler = setInterval(() => {
    void rssMiB(side.child.pid).then((value) => rss.push(value));
    void fetch(metricsUrl)
      .then((response) => response.text())
      .then((text) => {
        const line = text.split("\n").find((candidate) => candidate.startsWith("fedbank_router_nodejs_heap_size_used_bytes "));
        if (line) heap.push(Number(line.split(" ")[1]) / 2 ** 20);
      })
      .catch(() => undefined);
  }, 10_000);
  const result = await load({ url: side.url, body, headers: side.headers, connections: CONNECTIONS, seconds: SOAK });
  clearInterval(sampler);
  const trend = (samples: number[]) => {
    const third = Math.max(1, Math.floor(samples.length / 3));
    const early = median(samples.slice(0, third));
    const late = median(samples.slice(-third));
    return { early, late, max: Math.max(...samples), grew: late > early * 1.1 };
  };
  const r = trend(rss);
  const h = trend(heap);
  const verdict = (grew: boolean) => (grew ? "GROWTH" : "no growth");
  console.log(`soak ${SOAK} s: ${result.rps.toFixed(0)} req/s; RSS ${r.early.toFixed(0)} → ${r.late.toFixed(0)} MiB (${verdict(r.grew)}); heap used ${h.early.toFixed(0)} → ${h.late.toFixed(0)} MiB (${verdict(h.grew)})`);
  extraSections.push(
    `Soak (\`--soak ${SOAK}\`, scenario 4, router): ${result.requests} requests at ${result.rps.toFixed(0)} req/s; sampled every 10 s, median of the first third → of the last third: ` +
      `RSS ${r.early.toFixed(0)} → ${r.late.toFixed(0)} MiB (max ${r.max.toFixed(0)}): **${verdict(r.grew)}**; V8 heap used ${h.early.toFixed(0)} → ${h.late.toFixed(0)} MiB (max ${h.max.toFixed(0)}): **${verdict(h.grew)}** (threshold +10 %).`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// (1) dashboard and (2) transfers on the real platform: the stack's subgraphs (one process, real Postgres),
// our router in its own process, the baseline in its own process.


function callerOf(token: string) {
  const claims = decodeJwt(token);
  const role = claims.role as Role;
  return { userId: claims.sub!, role, sessionId: claims.sid as string, scopes: scopesOf(role), authTime: claims.auth_time as number, amr: claims.amr as string[] };
}

async function bankScenarios() {
  const database = await createTestDatabase();
  const secret = randomBytes(32).toString("base64url");
  const stack = await startStack({ DATABASE_URL: database.url, ROUTER_IDENTITY_SECRET: secret, LOG_LEVEL: "error", DATABASE_POOL_SIZE: "20", ...ROUTER_BENCH_ENV, NODE_ENV: "test" });
  const db = createDatabase({ url: database.url, poolSize: 4, applicationName: "bench" });
  const cleanups: (() => Promise<unknown>)[] = [() => stack.stop(), () => database.drop(), () => db.close()];
  try {
    const subgraphNames = ["users", "accounts", "transactions", "notifications", "audit", "reporting"] as const;
    const subgraphEnv = Object.fromEntries(subgraphNames.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `http://127.0.0.1:${stack.ports[name]}/graphql`]));
    const routerEnv = {
      JWKS_URL: `http://127.0.0.1:${stack.ports.users}/.well-known/jwks.json`,
      ROUTER_IDENTITY_SECRET: secret,
      REDIS_KEY_PREFIX: stack.redisKeyPrefix,
      ...subgraphEnv,
    };
    const router = await startRouterProcess(routerEnv);
    cleanups.unshift(() => router.child.stop());
    const plain = await startRouterProcess({ ...routerEnv, ROUTER_DEDUPLICATE_READS: "false" });
    cleanups.unshift(() => plain.child.stop());

    // Customers of two sizes: SQL statements per dashboard must not depend on the size.
    const small = await buildCustomer(db.prisma, "bench-small@demo.bank", DEMO_PASSWORD);
    await buildAccountsWithHistory(db.prisma, small.id, 1, 3);
    const large = await buildCustomer(db.prisma, "bench-large@demo.bank", DEMO_PASSWORD);
    await buildAccountsWithHistory(db.prisma, large.id, 4, 25);
    // Transfers between the large customer and alice, so postings have customer counterparties.
    const teller = await login(stack.routerUrl, "teller@demo.bank");
    const alice = await login(stack.routerUrl, "alice@demo.bank");
    const aliceAccounts = (await graphql(stack.routerUrl, `{ me { accounts { id currency } } }`, {}, alice)).body.data.me.accounts as { id: string; currency: string }[];
    const accountsOf = async (email: string) =>
      (await graphql(stack.routerUrl, `{ me { accounts { id currency } } }`, {}, await login(stack.routerUrl, email))).body.data.me.accounts as { id: string; currency: string }[];
    const largeAccounts = await accountsOf("bench-large@demo.bank");
    const aliceUsd = aliceAccounts.find((account) => account.currency === "USD");
    if (aliceUsd && largeAccounts[0]) {
      for (let i = 0; i < 5; i += 1) {
        const transfer = await graphql(stack.routerUrl, LEDGER_OPS.transfer, { input: { fromAccountId: largeAccounts[0].id, toAccountId: aliceUsd.id, amount: "1.00", idempotencyKey: randomUUID() } }, teller);
        if (!transfer.body.data?.transfer) throw new Error(`seed transfer failed: ${JSON.stringify(transfer.body.errors)}`);
      }
    }

    const body = JSON.stringify({ query: DASHBOARD_QUERY, operationName: "Dashboard" });
    const statementsPer = async (token: string) => {
      await post(router.url, body, { authorization: `Bearer ${token}` });
      const before = await sqlStatementCount(stack.ports.accounts);
      const n = 10;
      for (let i = 0; i < n; i += 1) await post(router.url, body, { authorization: `Bearer ${token}` });
      return ((await sqlStatementCount(stack.ports.accounts)) - before) / n;
    };
    const sizes: string[] = [];
    for (const [label, email] of [["1 account × 3 transactions", "bench-small@demo.bank"], ["4 accounts × 26-30 transactions", "bench-large@demo.bank"], ["alice (demo seed)", "alice@demo.bank"]] as const) {
      const token = await login(stack.routerUrl, email);
      const answer = await post(router.url, body, { authorization: `Bearer ${token}` });
      const accounts = ((answer.body.data as { me?: { accounts?: { transactions: { edges: unknown[] } }[] } })?.me?.accounts ?? []);
      const transactions = accounts.reduce((sum, account) => sum + account.transactions.edges.length, 0);
      sizes.push(`${label}: ${accounts.length} accounts, ${transactions} transactions shown → **${(await statementsPer(token)).toFixed(1)} SQL statements per request**`);
    }

    if (SCENARIOS.has("dashboard")) {
      const token = await login(stack.routerUrl, "bench-large@demo.bank");
      const baseline = await startBaselineProcess({ SUPERGRAPH_PATH: `${ROOT}schema/supergraph.graphql`, BASELINE_IDENTITY_SECRET: secret, BASELINE_CALLER: JSON.stringify(callerOf(token)), ...subgraphEnv });
      cleanups.unshift(() => baseline.child.stop());
      const auth = { authorization: `Bearer ${token}` };
      const sides: Side[] = [
        { name: "router", url: router.url, child: router.child, headers: auth, inspectPort: router.inspectPort },
        { name: "router, de-dup off", url: plain.url, child: plain.child, headers: auth, inspectPort: plain.inspectPort },
        { name: "baseline", url: baseline.url, child: baseline.child, headers: {}, inspectPort: baseline.inspectPort },
      ];
      const answer = await assertSameAnswer(sides, body);
      await measureSides("dashboard", "(1) dashboard read: me → accounts → balances → last 20 transactions → postings → counterparty accounts", sides, body, [
        `customer with 4 accounts × 25-30 transactions (20 shown per account, ${JSON.stringify(answer).length} bytes of JSON), identical responses checked; counterparties shown by account number (the query asks for no names)`,
        ...sizes.map((line) => `SQL statements per dashboard (fedbank_sql_statements_total, all subgraphs): ${line}`),
      ]);
      await profileSides("dashboard", sides, body);
      await baseline.child.stop();
      cleanups.shift();
    }

    if (SCENARIOS.has("transfers")) {
      const tellerToken = await login(stack.routerUrl, "teller@demo.bank");
      const ids = await accountsOf("bench-large@demo.bank");
      if (ids.length < 2) throw new Error("transfers: the bench customer has fewer than 2 accounts");
      for (const { id } of ids) {
        await graphql(stack.routerUrl, LEDGER_OPS.deposit, { input: { accountId: id, amount: "1000000.00", idempotencyKey: randomUUID() } }, tellerToken);
      }
      const baseline = await startBaselineProcess({ SUPERGRAPH_PATH: `${ROOT}schema/supergraph.graphql`, BASELINE_IDENTITY_SECRET: secret, BASELINE_CALLER: JSON.stringify(callerOf(tellerToken)), ...subgraphEnv });
      cleanups.unshift(() => baseline.child.stop());
      let n = 0;
      const transferBody = () => {
        n += 1;
        const from = ids[n % ids.length]!.id;
        const to = ids[(n + 1) % ids.length]!.id;
        return JSON.stringify({ query: LEDGER_OPS.transfer, variables: { input: { fromAccountId: from, toAccountId: to, amount: "0.01", idempotencyKey: randomUUID() } } });
      };
      // Mutations are never de-duplicated: one router side.
      const sides: Side[] = [
        { name: "router", url: router.url, child: router.child, headers: { authorization: `Bearer ${tellerToken}` } },
        { name: "baseline", url: baseline.url, child: baseline.child, headers: {} },
      ];
      for (const side of sides) {
        const check = await post(side.url, transferBody(), side.headers);
        if (!(check.body.data as { transfer?: unknown })?.transfer) throw new Error(`transfers/${side.name}: ${JSON.stringify(check.body).slice(0, 500)}`);
      }
      await measureSides("transfers", "(2) transfers: teller moves 0.01 USD between 4 accounts, fresh idempotency key each, real ledger", sides, transferBody, [
        "every response checked for a transfer result before measuring; both sides write the same postings to the same Postgres",
      ]);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error("cleanup:", error));
  }
}

// ---------------------------------------------------------------------------------------------------------
// (3) subscription fan-out: another helper's script; bounded, its JSON summary reported as is.

async function subscriptionScenario() {
  if (!existsSync(`${ROOT}bench/subscriptions.ts`)) {
    pending.push("(3) subscription fan-out: **pending** (bench/subscriptions.ts not present yet)");
    return;
  }
  const child = spawnTs("bench/subscriptions.ts", { ...process.env, BENCH_SUBSCRIBERS: "1000", BENCH_DURATION_SECONDS: "15" } as NodeJS.ProcessEnv);
  const timer = setTimeout(() => void child.stop(), 180_000);
  await new Promise((resolve) => child.process.once("exit", resolve));
  clearTimeout(timer);
  let summary: unknown;
  try {
    summary = JSON.parse(child.stdout().trim());
  } catch {
    summary = undefined;
  }
  if (child.process.exitCode !== 0 || summary === undefined) {
    pending.push(`(3) subscription fan-out: bench/subscriptions.ts failed (exit ${child.process.exitCode}); last output: \`${child.output().trim().split("\n").at(-1)?.slice(0, 200)}\``);
    return;
  }
  extraSections.push(
    `### (3) subscription fan-out (bench/subscriptions.ts: 1,000 sockets = 100 customers × 10, 15 s of transfers through the router; no baseline: stock @apollo/gateway cannot execute subscriptions)\n\n\`\`\`json\n${JSON.stringify(summary, null, 2)}\n\`\`\``,
  );
}

// ---------------------------------------------------------------------------------------------------------

function report(pgVersion: string): string {
  const cpus = os.cpus();
  const fmt = (value: number, digits = 0) => value.toFixed(digits);
  const lines = [
    "## Router vs stock @apollo/gateway (`npm run bench`)",
    "",
    `Measured ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus.length} × ${cpus[0]?.model.trim() ?? "CPU"}, ${fmt(os.totalmem() / 2 ** 30)} GiB; ` +
      `load average at start ${loadAtStart.map((value) => value.toFixed(2)).join(" / ")} (1/5/15 min); Node ${process.version}; PostgreSQL ${pgVersion}; Redis at ${TEST_REDIS_URL}; loopback only.`,
    "",
    `Command: \`npm run bench -- --runs ${RUNS} --seconds ${SECONDS} --warmup ${WARMUP} --connections ${CONNECTIONS} --bank-connections ${BANK_CONNECTIONS} --scenarios ${[...SCENARIOS].join(",")}\`` +
      ` — autocannon, ${CONNECTIONS} constant connections for scenario (4), ${BANK_CONNECTIONS} for (1) and (2) (the bank's six subgraphs share one process), ${WARMUP} s warm-up per side, then ${RUNS} runs of ${SECONDS} s per side, order alternated; medians.` +
      " Router: one process, every feature on (JWT + revocation in Redis, authorization directives, rate limits in Redis, operation limits, cost)." +
      " Baseline: one process, stock @apollo/gateway 2.14 + @apollo/server 5, default settings (bench/baseline.ts).",
    "",
    "Ratios are router ÷ baseline for throughput, baseline ÷ router for CPU per request (higher is better for the router in both).",
    "",
    "| scenario | gateway | req/s | **throughput ratio** | p50 / p99 latency | CPU ms per request (**ratio**) | RSS under load |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  const summary = (runs: LoadResult[]) => ({
    rps: median(runs.map((x) => x.rps)),
    p50: median(runs.map((x) => x.p50)),
    p99: median(runs.map((x) => x.p99)),
    cpu: median(runs.map((x) => x.cpuPerRequest ?? 0)),
  });
  for (const result of results) {
    const baseline = summary(result.runs.get("baseline")!);
    for (const [name, runs] of result.runs) {
      const side = summary(runs);
      const vs = name === "baseline" ? "—" : `**${fmt(side.rps / baseline.rps, 2)}×**`;
      const cpuVs = name === "baseline" ? "" : ` (**${fmt(baseline.cpu / side.cpu, 2)}×**)`;
      lines.push(`| ${result.title} | ${name} | ${fmt(side.rps)} | ${vs} | ${side.p50} / ${side.p99} ms | ${fmt(side.cpu, 2)}${cpuVs} | ${fmt(result.rss.get(name) ?? 0)} MiB |`);
    }
  }
  for (const line of pending) lines.push(`| ${line} | | | | | | |`);
  for (const result of results) {
    if (!result.runs.has(HIVE) || !result.runs.has(ROUTER_NO_DEDUP)) continue;
    const hive = summary(result.runs.get(HIVE)!);
    const router = summary(result.runs.get(ROUTER_NO_DEDUP)!);
    lines.push(
      "",
      `Second baseline, ${result.title.split(":")[0]}: the router with de-duplication off serves **${fmt(router.rps / hive.rps, 2)}×** the requests per second of ${HIVE}` +
        ` and uses **${fmt(hive.cpu / router.cpu, 2)}×** less CPU per request (p99 ${router.p99} ms vs ${hive.p99} ms).`,
    );
  }
  for (const result of results) {
    lines.push("", `**${result.title}**`, "");
    for (const note of result.notes) lines.push(`- ${note}`);
    lines.push(`- runs (req/s): ${[...result.runs].map(([name, runs]) => `${name} ${runs.map((x) => fmt(x.rps)).join(", ")}`).join("; ")}`);
    const timeouts = [...result.runs].flatMap(([name, runs]) => (runs.some((x) => x.errors) ? [`${name} ${runs.map((x) => x.errors).join(", ")}`] : []));
    if (timeouts.length) lines.push(`- requests that timed out (10 s) or failed to connect, per run: ${timeouts.join("; ")}`);
  }
  if (extraSections.length) lines.push("", ...extraSections.flatMap((section) => [section, ""]));
  return lines.join("\n");
}

async function main() {
  if (options.profile) await mkdir(PROFILE_DIR, { recursive: true });
  const began = Date.now();
  if (SCENARIOS.has("federation")) await federationScenario();
  if (SCENARIOS.has("dashboard") || SCENARIOS.has("transfers")) await bankScenarios();
  if (SCENARIOS.has("subscriptions")) await subscriptionScenario();
  const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  const pgVersion = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  await admin.end();
  const markdown = report(pgVersion);
  console.log(`\n${markdown}\n\ntotal ${((Date.now() - began) / 1000).toFixed(0)} s`);
  if (profileSections.length) console.log(`\n${profileSections.join("\n\n")}`);
  if (!options["no-write"]) {
    await writeDocsSection("suite", markdown);
    if (profileSections.length) {
      const header = `Profiled ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, load average at start ${loadAtStart[0]!.toFixed(1)}, ${CONNECTIONS} connections for scenario (4), ${BANK_CONNECTIONS} for (1), V8 sampling profiler (500 µs) over the inspector during one extra ${SECONDS} s run. Self time: time spent in the function itself, not its callees.`;
      await writeDocsSection("profile", [header, "", ...profileSections.flatMap((section) => [section, ""])].join("\n"));
    }
    console.log("wrote docs/benchmarks.md");
  }
  if (options.profile) console.log(`CPU profiles in ${PROFILE_DIR}`);
}

await main();
