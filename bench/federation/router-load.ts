// Scenario (4) of `npm run bench` in a minute, for working on the router's CPU per request: the four
// in-memory subgraphs, our router with every feature on and de-duplication off (JWT from a local JWKS,
// Redis revocation and rate limits, limits, cost, signed subgraph calls), optionally the stock
// @apollo/gateway baseline and Hive Gateway + router runtime beside it, the same autocannon load on each in
// turn (alternating), CPU ms per request from /proc. With --profile, one more run of the router under V8's
// sampler (over the inspector, start-up excluded), summarised with bench/profile-summary.ts.
//   node --import tsx bench/federation/router-load.ts [--runs 2] [--seconds 8] [--connections 32]
//        [--baselines] [--profile] [--env KEY=VALUE,...] [--compare KEY=VALUE,...]
// --env: extra environment of the router; --compare: a second router beside it with these variables added
// (an A/B in one run, e.g. --compare SUBGRAPH_TIMEOUT_MS=30000); --tree <dir>: a second router started
// from another checkout (e.g. a `git worktree` of an earlier commit), the same settings.
import { createPublicKey, randomBytes, randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { exportJWK } from "jose";
import { GENEROUS_RATE_LIMITS, ROOT, TEST_REDIS_URL, createTokenKey, deleteRedisKeys, freePort, mintAccessToken } from "../../test/support/stack.js";
import { summarise } from "../profile-summary.js";
import { cpuMs, httpOk, inspectorProfiler, load, median, normalised, spawnTs, waitFor, type Child } from "../support.js";
import { FEDERATION_SUPERGRAPH_URL, writeFederationSupergraph } from "./compose.js";
import { FEDERATION_QUERY } from "./query.js";

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: "2" },
    seconds: { type: "string", default: "8" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    baselines: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    env: { type: "string", default: "" },
    compare: { type: "string", default: "" },
    tree: { type: "string", default: "" },
  },
});
const envOf = (list: string) => Object.fromEntries(list.split(",").filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
const extraEnv = envOf(options.env);

await writeFederationSupergraph();
const subgraphs = spawnTs("bench/federation/subgraphs.ts", { NODE_ENV: "production" });
const children: Child[] = [subgraphs];
const prefix = `fedbank-router-load-${randomBytes(4).toString("hex")}:`;
const jwks = createServer();
try {
  await waitFor(subgraphs, async () => subgraphs.output().includes("}"), 60_000, "federation subgraphs");
  const urls = JSON.parse(subgraphs.output().trim().split("\n").at(-1)!) as Record<string, string>;
  const subgraphEnv = Object.fromEntries(Object.entries(urls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));
  const key = await createTokenKey();
  const jwk = { ...(await exportJWK(createPublicKey(key.privateKey))), kid: key.kid, alg: "EdDSA", use: "sig" };
  jwks.on("request", (_, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
  const jwksPort = await freePort();
  await new Promise<void>((resolve) => jwks.listen(jwksPort, "127.0.0.1", resolve));
  const token = await mintAccessToken(key, { id: randomUUID(), role: "CUSTOMER" }, { exp: Math.floor(Date.now() / 1000) + 3_600 });

  const sides: { name: string; url: string; child: Child; headers: Record<string, string>; inspectPort?: number }[] = [];
  const identitySecret = randomBytes(32).toString("base64url");
  async function startRouter(name: string, env: Record<string, string>, profile: boolean, root = ROOT) {
    const routerPort = await freePort();
    const inspectPort = profile ? await freePort() : undefined;
    const router = spawnTs(
      `${root.replace(/\/$/, "")}/router/src/main.ts`,
      {
        ...GENEROUS_RATE_LIMITS,
        RATE_LIMIT_REQUESTS: "1000000000",
        RATE_LIMIT_COST_POINTS: "1000000000000000",
        COST_MAX_PER_OPERATION: "100000000",
        RATE_LIMIT_STORE_TIMEOUT_MS: "2000",
        REVOCATION_CHECK_TIMEOUT_MS: "2000",
        NODE_ENV: "production",
        ROUTER_ADMIN_PORT: "0",
        LOG_LEVEL: "warn",
        ROUTER_PORT: String(routerPort),
        REDIS_URL: TEST_REDIS_URL,
        SUPERGRAPH_PATH: FEDERATION_SUPERGRAPH_URL.pathname,
        JWKS_URL: `http://127.0.0.1:${jwksPort}/.well-known/jwks.json`,
        ROUTER_IDENTITY_SECRET: identitySecret,
        REDIS_KEY_PREFIX: prefix,
        ACCESS_TOKEN_TTL_SECONDS: "3600",
        ROUTER_DEDUPLICATE_READS: "false",
        ...subgraphEnv,
        ...env,
      },
      // NODE_FLAGS (in --env/--compare): V8/Node flags NODE_OPTIONS refuses, e.g. --max-semi-space-size=64.
      [...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []), ...(env.NODE_FLAGS ? env.NODE_FLAGS.split(" ") : [])],
    );
    children.push(router);
    await waitFor(router, httpOk(`http://127.0.0.1:${routerPort}/ready`), 90_000, name);
    sides.push({ name, url: `http://127.0.0.1:${routerPort}/graphql`, child: router, headers: { authorization: `Bearer ${token}` }, inspectPort });
  }
  await startRouter("router, de-dup off", extraEnv, options.profile);
  if (options.tree) await startRouter(`router, de-dup off, from ${options.tree}`, extraEnv, options.profile, options.tree);
  if (options.compare) await startRouter(`router, de-dup off, ${options.compare}`, { ...extraEnv, ...envOf(options.compare) }, options.profile);

  if (options.baselines) {
    const basePort = await freePort();
    const baseline = spawnTs("bench/baseline.ts", { NODE_ENV: "production", PORT: String(basePort), SUPERGRAPH_PATH: FEDERATION_SUPERGRAPH_URL.pathname, ...subgraphEnv });
    children.push(baseline);
    await waitFor(baseline, async () => baseline.output().includes("baseline listening"), 90_000, "baseline");
    sides.push({ name: "stock @apollo/gateway", url: `http://127.0.0.1:${basePort}/graphql`, child: baseline, headers: {} });
    const hivePort = await freePort();
    const hive = spawnTs("bench/federation/hive-gateway.ts", { NODE_ENV: "production", PORT: String(hivePort), SUPERGRAPH_PATH: FEDERATION_SUPERGRAPH_URL.pathname, ...subgraphEnv });
    children.push(hive);
    await waitFor(hive, httpOk(`http://127.0.0.1:${hivePort}/healthcheck`), 90_000, "hive gateway");
    sides.push({ name: "Hive Gateway + router runtime", url: `http://127.0.0.1:${hivePort}/graphql`, child: hive, headers: {} });
  }

  const body = JSON.stringify({ query: FEDERATION_QUERY, operationName: "TestQuery" });
  const answers = await Promise.all(
    sides.map(async (side) => (await fetch(side.url, { method: "POST", headers: { "content-type": "application/json", ...side.headers }, body })).json()),
  );
  for (const answer of answers) if (normalised(answer) !== normalised(answers[0])) throw new Error(`different answers:\n${JSON.stringify(answer).slice(0, 500)}`);
  if ((answers[0] as { errors?: unknown }).errors) throw new Error(JSON.stringify(answers[0]).slice(0, 500));
  // Subgraph requests per client request, per side (the subgraphs count what they serve at /stats).
  const served = async () => {
    let total = 0;
    for (const url of Object.values(urls)) total += ((await (await fetch(new URL("/stats", url))).json()) as { operations: number }).operations;
    return total;
  };
  for (const side of sides) {
    const before = await served();
    await fetch(side.url, { method: "POST", headers: { "content-type": "application/json", ...side.headers }, body });
    console.log(`${side.name}: ${(await served()) - before} subgraph requests per operation`);
  }

  const connections = Number(options.connections);
  for (const side of sides) await load({ url: side.url, body, headers: side.headers, connections, seconds: Number(options.warmup) });
  const results = new Map(sides.map((side) => [side.name, [] as { rps: number; p99: number; cpu: number }[]]));
  console.log(`load average ${os.loadavg().map((value) => value.toFixed(2)).join(" / ")}`);
  for (let run = 0; run < Number(options.runs); run++) {
    for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
      const before = await cpuMs(side.child.pid);
      const result = await load({ url: side.url, body, headers: side.headers, connections, seconds: Number(options.seconds) });
      const cpu = ((await cpuMs(side.child.pid)) - before) / Math.max(1, result.requests);
      if (result.non2xx || result.errors) console.log(`  ${side.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      results.get(side.name)!.push({ rps: result.rps, p99: result.p99, cpu });
      console.log(`run ${run + 1} ${side.name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, ${cpu.toFixed(2)} CPU ms/request`);
    }
  }
  const stock = results.get("stock @apollo/gateway");
  for (const [name, runs] of results) {
    const rps = median(runs.map((run) => run.rps));
    const cpu = median(runs.map((run) => run.cpu));
    const ratio = stock ? ` (${(rps / median(stock.map((run) => run.rps))).toFixed(2)}× stock req/s, ${(median(stock.map((run) => run.cpu)) / cpu).toFixed(2)}× less CPU)` : "";
    console.log(`median ${name}: ${rps.toFixed(0)} req/s, p99 ${median(runs.map((run) => run.p99))} ms, ${cpu.toFixed(2)} CPU ms/request${ratio}`);
  }
  console.log(`load average ${os.loadavg().map((value) => value.toFixed(2)).join(" / ")}`);

  for (const side of sides) {
    if (!side.inspectPort) continue;
    const profiler = await inspectorProfiler(side.inspectPort);
    await profiler.start();
    const result = await load({ url: side.url, body, headers: side.headers, connections, seconds: Number(options.seconds) });
    const profile = await profiler.stop();
    profiler.close();
    const dir = `${ROOT}.data/bench-profiles`;
    await mkdir(dir, { recursive: true });
    const file = `${dir}/router-load-${Date.now()}.cpuprofile`;
    await writeFile(file, JSON.stringify(profile));
    const summary = summarise(profile as Parameters<typeof summarise>[0], 30);
    console.log(`\nprofile of ${side.name}: ${result.requests} requests, ${summary.totalMs.toFixed(0)} ms sampled, ${file}\n\n${summary.modules}\n\n${summary.functions}`);
  }
} finally {
  for (const child of children.reverse()) await child.stop();
  jwks.close();
  await deleteRedisKeys(TEST_REDIS_URL, prefix).catch(() => undefined);
}
