// What a newcomer sees when `npm start` cannot work: one line naming the problem and what to change, no
// stack trace, no Prisma warning, and an exit (not a process that never becomes ready). Each case runs the
// real start script on free ports; the checks run before the database or any service starts.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_DATABASE_URL, freePort, runToExit } from "./support/stack.js";

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "fedbank-startup-errors-"));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function ports(): Promise<NodeJS.ProcessEnv> {
  const names = ["ROUTER_PORT", "USERS_PORT", "ACCOUNTS_PORT", "TRANSACTIONS_PORT", "NOTIFICATIONS_PORT", "AUDIT_PORT", "REPORTING_PORT", "EMBEDDED_POSTGRES_PORT"];
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, String(await freePort())])));
}

/** Runs scripts/start.ts to its exit; resolves with its exit code and what it printed. */
async function start(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const exited = await runToExit("scripts/start.ts", { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", LOG_LEVEL: "warn", DATA_DIR: dataDir, ...env });
  return { code: exited.code, output: exited.stdout + exited.stderr };
}

function assertOneLine(output: string, pattern: RegExp) {
  const lines = output.trim().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${output}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(output, /\n\s+at |Error:|datasource|prisma/i, "no stack trace, no Prisma message");
}

test("a port in use names the service and its variable", async () => {
  const env = await ports();
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(Number(env.USERS_PORT), "0.0.0.0", resolve));
  try {
    const { code, output } = await start({ ...env, DATABASE_URL: ADMIN_DATABASE_URL });
    assert.equal(code, 1);
    assertOneLine(output, new RegExp(`^fedbank: cannot start: port ${env.USERS_PORT} is already in use: the users subgraph cannot listen there; .*set USERS_PORT`));
  } finally {
    blocker.close();
  }
});

test("Postgres unreachable says so, with the address from DATABASE_URL and no password", async () => {
  const closed = await freePort();
  const { code, output } = await start({ ...(await ports()), DATABASE_URL: `postgresql://fedbank:s3cret-pw@127.0.0.1:${closed}/fedbank` });
  assert.equal(code, 1);
  assertOneLine(output, new RegExp(`^fedbank: cannot start: Postgres is unreachable at 127\\.0\\.0\\.1:${closed}/fedbank \\(DATABASE_URL\\): connection refused`));
  assert.doesNotMatch(output, /s3cret-pw/);
});

test("Redis unreachable fails fast with a message instead of never becoming ready", async () => {
  const closed = await freePort();
  const { code, output } = await start({ ...(await ports()), DATABASE_URL: ADMIN_DATABASE_URL, REDIS_URL: `redis://:r3dis-pw@127.0.0.1:${closed}` });
  assert.equal(code, 1);
  assertOneLine(output, new RegExp(`^fedbank: cannot start: Redis is unreachable at 127\\.0\\.0\\.1:${closed} \\(REDIS_URL\\): connection refused`));
  assert.doesNotMatch(output, /r3dis-pw/);
});

test("a service started alone (as in a container) on a busy port says so in one line too", async () => {
  const port = await freePort();
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, "0.0.0.0", resolve));
  try {
    const exited = await runToExit("subgraphs/accounts/src/main.ts", { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", LOG_LEVEL: "warn", DATABASE_URL: ADMIN_DATABASE_URL, ACCOUNTS_PORT: String(port), ROUTER_IDENTITY_SECRET: "x".repeat(32), DATA_DIR: dataDir });
    const { code } = exited;
    const output = exited.stdout + exited.stderr;
    assert.equal(code, 1);
    assertOneLine(output, new RegExp(`^accounts subgraph: cannot start: port ${port} is already in use: the accounts subgraph cannot listen there; .*set ACCOUNTS_PORT`));
  } finally {
    blocker.close();
  }
});
