// `npm test`: every test file (unit and integration) with Node's test runner, each file in a process of its
// own, and the type-check beside them. Integration tests need the Postgres and Redis of this machine
// (TEST_POSTGRES_URL, TEST_REDIS_URL). The test files and the platform's processes run from bundles built
// at the start (test/support/bundles.mjs; TEST_FROM_SOURCE=1 runs the sources through tsx instead); then
// the run's shared platform starts (test/support/platform.ts, for the suites that use
// `useSharedPlatform()`; building the migrated template database on the way). At the end: the time of each
// file, slowest first, and the type-check's result.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundles, bundleOf, PLATFORM_ENTRY_POINTS } from "../test/support/bundles.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", ".data", "dist", "generated"]);
/**
 * Three files at a time on this two-core machine: with two, both cores were not kept busy (files wait on
 * their platforms and on each other's); measured in docs/architecture.md, "Tests".
 */
const CONCURRENCY = process.env.TEST_CONCURRENCY ?? "3";
const SHARED_PLATFORM = "test/support/shared-platform.ts";

function findTests(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (name.endsWith(".test.ts")) found.push(relative(root, path));
  }
  return found;
}

function run(label, command, args, env = process.env) {
  console.log(`\n> ${label}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env });
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/** Runs a command to its end, collecting its output. */
function capture(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Starts the shared platform; resolves once its descriptor file exists (or rejects if it exits first). */
function startSharedPlatform(descriptor) {
  const entry = process.env.FEDBANK_TEST_BUNDLES ? [bundleOf(process.env.FEDBANK_TEST_BUNDLES, SHARED_PLATFORM)] : ["--import", "tsx", SHARED_PLATFORM];
  const child = spawn(process.execPath, [...entry, descriptor], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (existsSync(descriptor)) return clearInterval(poll), resolve();
      if (child.exitCode !== null) return clearInterval(poll), reject(new Error(`the shared platform exited with ${child.exitCode}`));
    }, 200);
  });
  ready.catch(() => undefined); // awaited after the type-check; a failure must not end the run before
  return { ready, async stop() {
    if (child.exitCode === null) child.kill("SIGTERM");
    return exited;
  } };
}

/**
 * Longest first: the runner starts files in the order given, so the slowest ones (seconds from the last
 * measured run, test/support/file-times.tsv) start while the short ones fill the gaps, instead of a long
 * file starting last and running alone. Files not measured yet go first (they may be slow).
 */
function longestFirst(found) {
  const times = new Map();
  try {
    for (const line of readFileSync(join(root, "test/support/file-times.tsv"), "utf8").split("\n")) {
      const [seconds, , file] = line.split("\t");
      if (file?.endsWith(".test.ts")) times.set(file, Number(seconds));
    }
  } catch {
    // no measurements: alphabetical
  }
  const time = (file) => times.get(file) ?? Infinity;
  return found.sort((a, b) => time(b) - time(a) || a.localeCompare(b));
}

const only = process.argv.slice(2);
const files = only.length ? only.map((file) => relative(root, resolve(file))) : longestFirst(["kernel", "domain", "router", "subgraphs", "scripts", "test"].flatMap((dir) => findTests(join(root, dir))));
const needsShared = files.some((file) => readFileSync(join(root, file), "utf8").includes("useSharedPlatform("));
const scratch = mkdtempSync(join(tmpdir(), "fedbank-test-run-"));
const descriptor = join(scratch, "shared-platform.json");
// The platform's entry points and the test files compiled once for the run (inside the repository, for
// their imports to find node_modules), unless TEST_FROM_SOURCE=1 (every file through tsx, as written).
const bundles = process.env.TEST_FROM_SOURCE ? undefined : join(root, "node_modules/.cache", `fedbank-test-${basename(scratch)}`);
if (bundles) {
  await buildBundles(bundles, [...PLATFORM_ENTRY_POINTS, SHARED_PLATFORM, ...files]);
  process.env.FEDBANK_TEST_BUNDLES = bundles;
}
const shared = needsShared ? startSharedPlatform(descriptor) : undefined;
// The type-check runs beside the tests (its output is printed after theirs); incremental across runs of
// one checkout (node_modules/.cache/fedbank-tsc.tsbuildinfo).
const typeCheck = only.length ? undefined : capture(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", join(root, "node_modules/.cache/fedbank-tsc.tsbuildinfo")]);
let status = 0;
try {
  await shared?.ready;
  status = await run(
    `tests (${files.length} files, ${CONCURRENCY} at a time)`,
    process.execPath,
    bundles ? ["test/support/run-files.mjs", CONCURRENCY, ...files.map((file) => bundleOf(bundles, file))] : ["--import", "tsx", "test/support/run-files.mjs", CONCURRENCY, ...files],
    { ...process.env, ...(shared ? { FEDBANK_SHARED_PLATFORM: descriptor } : {}) },
  );
  if (status !== 0) console.error("\ntests failed");
  if (typeCheck) {
    const { code, output } = await typeCheck;
    console.log(`\n> type-check\n${output}`);
    if (code !== 0) console.error("type-check failed");
    status ||= code;
  }
} finally {
  const code = await shared?.stop();
  if (shared && code !== 0) console.error(`the shared platform stopped with exit code ${code}`);
  rmSync(scratch, { recursive: true, force: true });
  if (bundles) rmSync(bundles, { recursive: true, force: true });
}
process.exit(status);
