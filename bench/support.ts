// Shared pieces of the benchmark suite: child processes (gateways, subgraphs) started and stopped by PID,
// bounded autocannon runs on loopback, medians, RSS of a process, and docs/benchmarks.md written section by
// section (each script replaces only the block between its own markers).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import autocannon from "autocannon";
import { ROOT } from "../test/support/stack.js";

export const DOCS_PATH = `${ROOT}docs/benchmarks.md`;

export interface Child {
  process: ChildProcess;
  pid: number;
  output(): string;
  /** What it wrote to stdout only (e.g. a JSON summary). */
  stdout(): string;
  stop(): Promise<void>;
}

/** A TypeScript entry point of this repository in its own Node process (extra Node flags first, e.g. --cpu-prof). */
export function spawnTs(script: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    pid: child.pid!,
    output: () => output,
    stdout: () => stdout,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `probe` resolves true, failing with the child's output when it exits or `timeoutMs` passes. */
export async function waitFor(child: Child, probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${what} exited with ${child.process.exitCode}:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s:\n${child.output()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const httpOk = (url: string) => async () => (await fetch(url)).ok;

/** Resident set size of a process, in MiB (Linux /proc). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

/**
 * CPU time (user + system) a process has used so far, in ms (Linux /proc, clock ticks of 10 ms). Its delta
 * per request is the steadiest efficiency figure on a shared machine: other load changes how fast the
 * requests go, much less how much CPU each one costs.
 */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Responses per HTTP status (to name what went wrong). */
  statuses: Record<string, number>;
  /** CPU ms the measured process spent per request during the run (set by the caller). */
  cpuPerRequest?: number;
}

export interface LoadOptions {
  url: string;
  body: string | (() => string);
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Hard cap on requests, so a run stays bounded whatever the speed. */
  maxRequests?: number;
}

/** One autocannon run: constant connections, POST JSON, loopback. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const headers = { "content-type": "application/json", ...options.headers };
  const dynamic = typeof options.body === "function" ? options.body : null;
  const result = await autocannon({
    url: options.url,
    method: "POST",
    headers,
    body: dynamic ? undefined : (options.body as string),
    connections: options.connections,
    duration: options.seconds,
    amount: options.maxRequests,
    // A fresh body per request (e.g. a new idempotency key), built as autocannon sends it.
    requests: dynamic ? [{ method: "POST", setupRequest: (request: autocannon.Request) => ({ ...request, body: dynamic() }) }] : undefined,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, (stats as { count: number }).count])),
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};

/** JSON with object keys sorted and per-request ids (`requestId`) dropped, so two responses compare by content. */
export function normalised(value: unknown): string {
  const sort = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(sort)
      : node && typeof node === "object"
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([key]) => key !== "requestId")
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sort(v)]),
          )
        : node;
  return JSON.stringify(sort(value));
}

/** Replaces (or appends) the block between `<!-- bench:<id> -->` and `<!-- /bench:<id> -->` in docs/benchmarks.md. */
export async function writeDocsSection(id: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const current = existsSync(DOCS_PATH) ? await readFile(DOCS_PATH, "utf8") : "# Benchmarks\n";
  const block = `${start}\n${markdown.trimEnd()}\n${end}`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  await writeFile(DOCS_PATH, next);
}

/**
 * The V8 CPU profiler of a child started with `--inspect=127.0.0.1:<port>`, driven over the inspector
 * protocol so a profile covers only the measured load (not start-up): the same sampler as `node --cpu-prof`.
 */
export async function inspectorProfiler(inspectPort: number) {
  const { default: WebSocket } = await import("ws");
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let nextId = 1;
  const pendingCalls = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pendingCalls.get(message.id)?.(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pendingCalls.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 500 });
  return {
    start: () => call("Profiler.start"),
    async stop(): Promise<unknown> {
      const { profile } = (await call("Profiler.stop")) as { profile: unknown };
      return profile;
    },
    close: () => socket.close(),
  };
}
