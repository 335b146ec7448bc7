// `npm run bench:startup`: a newcomer's first minute. Starts `npm start`'s script on the embedded database
// (no DATABASE_URL/REDIS_URL) twice on one fresh data directory in a temporary folder: the first start
// (create the database, migrate, seed) and the second (everything already done). Free ports, never the
// default 4000–4006. Per start: wall time to ready (the router's /ready and every subgraph's /ready answer
// 200), the process's CPU time until then (user + system, from /proc: steadier than wall time on a shared
// machine), and the first playground page view (page + script) right after. `--baseline <git ref>` runs
// that revision's scripts/start.ts the same way in the same run, for a ratio. `--no-write` leaves
// docs/benchmarks.md alone.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freePort } from "../test/support/stack.js";
import { readFile } from "node:fs/promises";
import { spawnTs, writeDocsSection } from "./support.js";

const SERVICES = ["router", "users", "accounts", "transactions", "notifications", "audit", "reporting"] as const;

/** CPU milliseconds of a process and of its children it has waited for (/proc/<pid>/stat, 10 ms ticks). */
async function cpuWithChildrenMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  return ((fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0)) * 10;
}

interface StartMeasure {
  readyMs: number;
  cpuMs: number;
  firstPageMs: number;
}

async function ok(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  try {
    return (await fetch(url, { headers, signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

async function measureStart(script: string, dataDir: string): Promise<StartMeasure> {
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<(typeof SERVICES)[number], number>;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "development",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    ROUTER_PORT: String(ports.router),
    ...Object.fromEntries(SERVICES.filter((name) => name !== "router").map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
  };
  const started = performance.now();
  const child = spawnTs(script, env);
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.process.exitCode !== null) throw new Error(`${script} exited with ${child.process.exitCode}:\n${child.output()}`);
      if (Date.now() > deadline) throw new Error(`${script} not ready within 120 s:\n${child.output()}`);
      const ready = await Promise.all(SERVICES.map((name) => ok(`http://127.0.0.1:${ports[name]}/ready`)));
      if (ready.every(Boolean)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const readyMs = performance.now() - started;
    const cpu = await cpuWithChildrenMs(child.pid);
    const pageStarted = performance.now();
    const page = await (await fetch(`http://127.0.0.1:${ports.router}/graphql`, { headers: { accept: "text/html" } })).text();
    const asset = page.match(/src="([^"]+\.js)"/)?.[1];
    if (!asset || !(await ok(`http://127.0.0.1:${ports.router}${asset}`))) throw new Error("the playground page or its script did not load");
    return { readyMs, cpuMs: cpu, firstPageMs: performance.now() - pageStarted };
  } finally {
    await child.stop();
  }
}

async function measurePair(script: string): Promise<{ first: StartMeasure; second: StartMeasure }> {
  const dataDir = await mkdtemp(join(tmpdir(), "fedbank-startup-"));
  try {
    const first = await measureStart(script, dataDir);
    const second = await measureStart(script, dataDir);
    return { first, second };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const row = (name: string, m: StartMeasure) => `| ${name} | ${seconds(m.readyMs)} s | ${seconds(m.cpuMs)} s | ${seconds(m.firstPageMs)} s |`;

async function main() {
  const baselineIndex = process.argv.indexOf("--baseline");
  const baselineRef = baselineIndex > 0 ? process.argv[baselineIndex + 1] : undefined;
  const load = loadavg().map((value) => value.toFixed(1)).join(" / ");
  const rows: string[] = [];
  let baseline: { first: StartMeasure; second: StartMeasure } | undefined;
  if (baselineRef) {
    // That revision's start script, beside the current one so its relative imports resolve; removed after.
    const file = `scripts/.start-baseline-${process.pid}.ts`;
    await writeFile(join(ROOT, file), execFileSync("git", ["show", `${baselineRef}:scripts/start.ts`], { cwd: ROOT, encoding: "utf8" }));
    try {
      baseline = await measurePair(file);
    } finally {
      await rm(join(ROOT, file), { force: true });
    }
    rows.push(row(`baseline (${baselineRef}), first start`, baseline.first), row(`baseline (${baselineRef}), second start`, baseline.second));
  }
  const current = await measurePair("scripts/start.ts");
  rows.push(row("`npm start`, first start (new data directory)", current.first), row("`npm start`, second start", current.second));
  const ratios = baseline
    ? `\nCurrent vs baseline, same run: first start ${(baseline.first.readyMs / current.first.readyMs).toFixed(1)}× faster to ready ` +
      `(${(baseline.first.cpuMs / current.first.cpuMs).toFixed(1)}× less CPU), second start ${(baseline.second.readyMs / current.second.readyMs).toFixed(1)}× ` +
      `(${(baseline.second.cpuMs / current.second.cpuMs).toFixed(1)}× less CPU).\n`
    : "";
  const markdown = `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, load average ${load} (1/5/15 min) on this 2-core machine.

| start | wall time to ready | CPU time to ready (process + children) | first playground view after ready |
| --- | --- | --- | --- |
${rows.join("\n")}
${ratios}`;
  process.stdout.write(`${markdown}\n`);
  if (!process.argv.includes("--no-write")) await writeDocsSection("startup", markdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
