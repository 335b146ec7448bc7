// Test harness: fresh databases on the machine's real Postgres, and the real platform (`scripts/start.ts`)
// started as a child process on free ports, called over HTTP like any client would.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { SignJWT, calculateJwkThumbprint, exportJWK } from "jose";
import pg from "pg";
import { createClient } from "redis";
import { asApplicationRole, migrateDatabase } from "../../scripts/migrate.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ADMIN_DATABASE_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const DEMO_PASSWORD = "demo-password-123";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A new database with the committed migrations applied (a copy of the run's template database), or an empty
 * one with `migrate = false`.
 */
export async function createTestDatabase(migrate = true): Promise<TestDatabase> {
  const name = `fedbank_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const template = migrate ? await migratedTemplate() : undefined;
  await withAdmin(async (admin) => {
    // Cloning fails while another session is connected to the template (a build finishing): retry briefly.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await admin.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
        // A test database need not survive a crash of Postgres itself (the tests kill our processes, never
        // Postgres): commits return without waiting for the WAL flush, ~5 ms each on this disk. Every commit
        // is still atomic and visible to other sessions at once, and survives the death of its client.
        await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

const TEMPLATE_PREFIX = "fedbank_template_";
/** Any number: serialises template builds across every test process of this machine. */
const TEMPLATE_LOCK = 0x66656462;
let templateName: Promise<string> | undefined;

/**
 * The name of a database migrated with the committed migrations, built once per set of migrations (its
 * name carries a hash of prisma/migrations, so a new or edited migration builds a new one and the stale
 * ones are dropped). Concurrent test processes take an advisory lock: one builds, the others wait for it.
 */
function migratedTemplate(): Promise<string> {
  templateName ??= buildTemplate().catch((error: unknown) => {
    templateName = undefined;
    throw error;
  });
  return templateName;
}

async function buildTemplate(): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${await migrationsHash()}`;
  return withAdmin(async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      const { rows } = await admin.query<{ datname: string; datistemplate: boolean }>(
        "SELECT datname, datistemplate FROM pg_database WHERE datname LIKE $1",
        [`${TEMPLATE_PREFIX}%`],
      );
      // A template is finished once it is marked IS_TEMPLATE (the last step of a build).
      if (rows.some((row) => row.datname === name && row.datistemplate)) return name;
      for (const row of rows) {
        // Stale (older migrations) or an interrupted build of this one: dropped, never reused.
        await admin.query(`ALTER DATABASE "${row.datname}" WITH IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
      }
      await admin.query(`CREATE DATABASE "${name}"`);
      const url = new URL(ADMIN_DATABASE_URL);
      url.pathname = `/${name}`;
      await migrateDatabase(url.toString(), true);
      await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      return name;
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
    }
  });
}

/** A hash of every file under prisma/migrations (names and contents). */
async function migrationsHash(): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else hash.update(`${relative(ROOT, path)}\0`).update(await readFile(path)).update("\0");
    }
  };
  await walk(join(ROOT, "prisma/migrations"));
  return hash.digest("hex").slice(0, 16);
}

const handedOut = new Set<number>();

/**
 * A port nothing listens on now, for a child process to bind. Picked at random below Linux's ephemeral
 * range (32768+, where outgoing connections get their local ports) and never twice in one process; another
 * process may still take it before the child binds it, so the start functions retry on EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

/** Runs `start` with fresh ports until its child did not lose a port race (EADDRINUSE), at most 5 times. */
async function withPortRetry<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 5 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

interface SpawnedNode {
  process: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/**
 * The platform processes this test process started and that still run: killed when it ends, however it
 * ends (a file the runner stops at its timeout must not leave a platform running for the rest of the run).
 */
const children = new Set<ChildProcess>();
const killChildren = () => {
  for (const child of children) child.kill("SIGKILL");
};
process.once("exit", killChildren);
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.once(signal, () => {
    if (process.listenerCount(signal) > 0) return; // the process stops them its own way (shared-platform.ts)
    killChildren();
    process.kill(process.pid, signal); // the default action, now that this listener is gone
  });
}

/**
 * Node's arguments to run an entry point of this repository: the run's bundle of it when scripts/test.mjs
 * built one (test/support/bundles.mjs), else the source through tsx; TEST_CHILD_NODE_FLAGS adds flags
 * (e.g. `--cpu-prof --cpu-prof-dir=…`).
 */
function nodeArgs(script: string): string[] {
  const flags = process.env.TEST_CHILD_NODE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const bundles = process.env.FEDBANK_TEST_BUNDLES;
  return [...flags, ...(bundles ? [join(bundles, script.replace(/\.ts$/, ".mjs"))] : ["--import", "tsx", script])];
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs an entry point with exactly `env` until it exits by itself (killed, and rejected, after `timeoutMs`). */
export function runToExit(script: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(script), { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    child.once("exit", () => children.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not exit within ${timeoutMs} ms (killed). stderr:\n${stderr}\nstdout:\n${stdout}`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a TypeScript entry point of this repository in a child Node process, collecting its output. */
function spawnNode(script: string, env: NodeJS.ProcessEnv): SpawnedNode {
  const child = spawn(process.execPath, nodeArgs(script), { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  children.add(child);
  void exited.then(() => children.delete(child));
  return { process: child, exited, output: () => output };
}

/** Polls a readiness URL until it answers 200; fails with the process's output if it exits or times out. */
async function waitUntilReady(child: SpawnedNode, readyUrl: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) {
      const message = `${what} exited with ${child.process.exitCode} before it was ready:\n${child.output()}`;
      // EADDRINUSE, or the services' one-line start-up error for it (kernel/service-runtime.ts).
      throw /EADDRINUSE|is already in use/.test(child.output()) ? new PortTakenError(message) : new Error(message);
    }
    if (Date.now() > deadline) {
      child.process.kill("SIGKILL");
      throw new Error(`${what} not ready within ${timeoutMs / 1000} s:\n${child.output()}`);
    }
    try {
      if ((await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not listening yet (or something else holds the port and does not answer)
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Rate limits for test stacks: far above what the heavy tests send from one IP and one user (thousands of
 * requests, many logins), so only tests that set their own low limits meet them.
 */
export const GENEROUS_RATE_LIMITS: NodeJS.ProcessEnv = {
  RATE_LIMIT_ANONYMOUS_REQUESTS: "1000000",
  RATE_LIMIT_REQUESTS: "1000000",
  RATE_LIMIT_AUTH_IP_ATTEMPTS: "1000000",
  RATE_LIMIT_AUTH_ACCOUNT_ATTEMPTS: "1000000",
  RATE_LIMIT_COST_POINTS: "1000000000",
  RATE_LIMIT_ANONYMOUS_COST_POINTS: "1000000000",
  // New sockets are counted per client IP in the shared store: on the shared platform every suite's sockets
  // come from 127.0.0.1 under one Redis prefix (realtime-auth tests the limit from an address of its own).
  SUBSCRIPTION_CONNECTIONS_PER_MINUTE: "1000000",
  // Tests of the subgraphs' own page-size checks send `first: 1000`: let them reach the subgraph.
  COST_MAX_PER_OPERATION: "1000000",
};

export interface Stack {
  routerUrl: string;
  ports: Record<"router" | "users" | "accounts" | "transactions" | "notifications" | "audit" | "reporting", number>;
  /** The router's admin port (loopback): /metrics. */
  adminPort: number;
  process: ChildProcess;
  /** The Redis key prefix the platform uses (shared state such as session revocation lives under it). */
  redisKeyPrefix: string;
  output(): string;
  /** SIGTERM, then wait for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the whole platform with `scripts/start.ts`, as `npm start` does, and waits until it is ready. */
export async function startStack(env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  return withPortRetry(() => startStackOnce(env));
}

/**
 * Production's two roles (docs/ledger.md, "Least privilege"): migrations as the owner (the URL the test gave),
 * services as the application role the migrations create. A test that names MIGRATION_DATABASE_URL decides.
 */
function applicationRoleEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!env.DATABASE_URL || env.MIGRATION_DATABASE_URL) return {};
  return { MIGRATION_DATABASE_URL: env.DATABASE_URL, DATABASE_URL: asApplicationRole(env.DATABASE_URL) };
}

async function startStackOnce(env: NodeJS.ProcessEnv): Promise<Stack> {
  const ports = {
    router: await freePort(),
    users: await freePort(),
    accounts: await freePort(),
    transactions: await freePort(),
    notifications: await freePort(),
    audit: await freePort(),
    reporting: await freePort(),
  };
  const adminPort = await freePort();
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), "fedbank-test-")));
  const redisKeyPrefix = env.REDIS_KEY_PREFIX ?? `fedbank-test-${randomBytes(4).toString("hex")}:`;
  const child = spawnNode("scripts/start.ts", {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    ROUTER_PORT: String(ports.router),
    USERS_PORT: String(ports.users),
    ACCOUNTS_PORT: String(ports.accounts),
    TRANSACTIONS_PORT: String(ports.transactions),
    NOTIFICATIONS_PORT: String(ports.notifications),
    AUDIT_PORT: String(ports.audit),
    REPORTING_PORT: String(ports.reporting),
    ROUTER_ADMIN_PORT: String(adminPort),
    ...GENEROUS_RATE_LIMITS,
    ...env,
    ...applicationRoleEnv(env),
  });
  registerRouterAdminPort(ports.router, Number(env.ROUTER_ADMIN_PORT ?? adminPort));
  try {
    // The whole platform: the router and every subgraph (the router alone is ready with a subgraph down).
    await waitUntilReady(child, `http://127.0.0.1:${ports.router}/ready?subgraphs=all`, 120_000, "platform");
  } catch (error) {
    if (!env.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    routerUrl: `http://127.0.0.1:${ports.router}/graphql`,
    ports,
    adminPort: Number(env.ROUTER_ADMIN_PORT ?? adminPort),
    process: child.process,
    redisKeyPrefix,
    output: child.output,
    async stop() {
      if (child.process.exitCode === null) child.process.kill("SIGTERM");
      const code = await child.exited;
      if (!env.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
      // A prefix of its own dies with the stack (streams would otherwise pile up in the shared Redis); a
      // prefix the test chose may be reused by a restarted stack: the test cleans it with deleteRedisKeys.
      if (!env.REDIS_KEY_PREFIX) await deleteRedisKeys(env.REDIS_URL ?? TEST_REDIS_URL, redisKeyPrefix).catch(() => undefined);
      return code;
    },
  };
}

/** Deletes every key under `prefix` (SCAN + DEL); returns how many. The prefix must be a test's own. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  if (prefix.length < 8) throw new Error(`refusing to delete keys under the short prefix "${prefix}"`);
  const client = createClient({ url });
  client.on("error", () => undefined);
  await client.connect();
  let deleted = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
  } finally {
    client.destroy();
  }
  return deleted;
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
}

export async function graphql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T>["body"] };
}

export const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { accessToken tokenType expiresIn user { id email role } }
  }`;

export async function login(url: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const { body } = await graphql<{ login: { accessToken: string } }>(url, LOGIN, { email, password });
  const token = body.data?.login.accessToken;
  if (!token) throw new Error(`login as ${email} failed: ${JSON.stringify(body.errors)}`);
  return token;
}

/** The process-wide count of SQL statements, read from a subgraph's /metrics. */
export async function sqlStatementCount(port: number): Promise<number> {
  return metricValue(port, "fedbank_sql_statements_total");
}

/** An Ed25519 token-signing key for a test stack (pass `pem` as JWT_PRIVATE_KEY), with its JWKS `kid`. */
export interface TokenKey {
  pem: string;
  kid: string;
  privateKey: KeyObject;
}

export async function createTokenKey(): Promise<TokenKey> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  // The users service names its key by the RFC 7638 thumbprint of the public JWK.
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey), "sha256");
  return { pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), kid, privateKey };
}

export interface MintOptions {
  /** Claims added to (or overriding) the users service's usual ones. */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch. */
  iat?: number;
  nbf?: number;
  exp?: number;
}

/**
 * An access token shaped exactly like the users service's (EdDSA, `typ: at+jwt`, kid, iss, aud, sub, role,
 * sid, jti, iat, nbf, exp, auth_time, amr), signed with the test stack's key: lets security tests act as any
 * user, and forge the bad variants, without depending on the login flow.
 */
export async function mintAccessToken(key: TokenKey, user: { id: string; role: string }, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: user.role, sid: randomUUID(), auth_time: now, amr: ["pwd"], ...options.claims })
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "at+jwt", ...options.header })
    .setSubject(user.id)
    .setIssuer(options.issuer ?? "fedbank-users")
    .setAudience(options.audience ?? "fedbank")
    .setIssuedAt(options.iat ?? now)
    .setNotBefore(options.nbf ?? options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 900)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** The seeded demo users of a test database, by email: id and role. */
export async function demoUsers(databaseUrl: string): Promise<Record<string, { id: string; role: string }>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; email: string; role: string }>("SELECT id, email, role::text AS role FROM users.users");
    return Object.fromEntries(rows.map((row) => [row.email, { id: row.id, role: row.role }]));
  } finally {
    await client.end();
  }
}

/** A counter from a service's /metrics (first sample whose line starts with `sample`), 0 when absent. */
/**
 * A router's public port → its admin port: the router serves /metrics only on the admin port (loopback), so
 * `metricValue(routerPort, …)` reads it there. Filled by every helper that starts a router.
 */
const routerAdminPorts = new Map<number, number>();

export function registerRouterAdminPort(routerPort: number, adminPort: number): void {
  routerAdminPorts.set(routerPort, adminPort);
}

/** Where the process listening on `port` serves /metrics (a router: on its admin port). */
export function metricsUrl(port: number): string {
  return `http://127.0.0.1:${routerAdminPorts.get(port) ?? port}/metrics`;
}

/** A sample from the /metrics of the process on `port`. */
export async function metricValue(port: number, sample: string): Promise<number> {
  const text = await (await fetch(metricsUrl(port))).text();
  // A labelled sample not observed yet is absent (0), but its metric must exist: a misspelt name would
  // otherwise read as "unchanged" and let an assertion pass vacuously.
  const family = sample.split("{")[0]!;
  if (!text.includes(`# TYPE ${family} `)) throw new Error(`metric ${family} is not served on port ${port}`);
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

/**
 * A second router process (router/src/main.ts) in front of a running stack's subgraphs, sharing its Redis
 * prefix and identity secret: for tests of what router replicas share.
 */
export async function startExtraRouter(stack: Pick<Stack, "ports">, env: NodeJS.ProcessEnv): Promise<ExtraRouter> {
  return withPortRetry(() => startExtraRouterOnce(stack, env));
}

export interface ExtraRouter {
  url: string;
  port: number;
  /** The router process (benches read its RSS from /proc). */
  pid: number;
  stop(): Promise<number | null>;
  output(): string;
}

async function startExtraRouterOnce(stack: Pick<Stack, "ports">, env: NodeJS.ProcessEnv): Promise<ExtraRouter> {
  const port = await freePort();
  const adminPort = await freePort();
  const subgraphs = ["users", "accounts", "transactions", "notifications", "audit", "reporting"] as const;
  const child = spawnNode("router/src/main.ts", {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    REDIS_URL: TEST_REDIS_URL,
    ROUTER_PORT: String(port),
    ROUTER_ADMIN_PORT: String(adminPort),
    JWKS_URL: `http://127.0.0.1:${stack.ports.users}/.well-known/jwks.json`,
    ...GENEROUS_RATE_LIMITS,
    ...Object.fromEntries(subgraphs.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `http://127.0.0.1:${stack.ports[name]}/graphql`])),
    ...env,
  });
  registerRouterAdminPort(port, Number(env.ROUTER_ADMIN_PORT ?? adminPort));
  await waitUntilReady(child, `http://127.0.0.1:${port}/ready?subgraphs=all`, 60_000, "router");
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    pid: child.process.pid!,
    output: child.output,
    async stop() {
      if (child.process.exitCode === null) child.process.kill("SIGTERM");
      return child.exited;
    },
  };
}

export interface SubgraphProcess {
  url: string;
  port: number;
  output(): string;
  /** SIGKILL: the service dies at once, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then wait for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * One subgraph as its own process (subgraphs/<name>/src/main.ts), on a stack's database and Redis prefix:
 * point a router at it (SUBGRAPH_<NAME>_URL) to kill it and start it again while the router keeps running.
 * `port` reuses a port (a restart at the same address).
 */
export async function startSubgraphProcess(
  name: "users" | "accounts" | "transactions" | "notifications" | "audit" | "reporting",
  stack: Stack,
  env: NodeJS.ProcessEnv & { DATABASE_URL: string; ROUTER_IDENTITY_SECRET: string },
  port?: number,
): Promise<SubgraphProcess> {
  // A restart at a given port has nothing to retry with; a fresh port does.
  return port === undefined ? withPortRetry(() => startSubgraphProcessOnce(name, stack, env)) : startSubgraphProcessOnce(name, stack, env, port);
}

async function startSubgraphProcessOnce(
  name: "users" | "accounts" | "transactions" | "notifications" | "audit" | "reporting",
  stack: Stack,
  env: NodeJS.ProcessEnv & { DATABASE_URL: string; ROUTER_IDENTITY_SECRET: string },
  port?: number,
): Promise<SubgraphProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawnNode(`subgraphs/${name}/src/main.ts`, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: stack.redisKeyPrefix,
    [`${name.toUpperCase()}_PORT`]: String(listenPort),
    ...env,
  });
  await waitUntilReady(child, `http://127.0.0.1:${listenPort}/ready`, 60_000, `${name} subgraph`);
  return {
    url: `http://127.0.0.1:${listenPort}/graphql`,
    port: listenPort,
    output: child.output,
    async kill() {
      if (child.process.exitCode === null) child.process.kill("SIGKILL");
      await child.exited;
    },
    async stop() {
      if (child.process.exitCode === null) child.process.kill("SIGTERM");
      return child.exited;
    },
  };
}
