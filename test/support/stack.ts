// Test harness: fresh databases on the machine's real Postgres, and the real platform (`scripts/start.ts`)
// started as a child process on free ports, called over HTTP like any client would.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrateDatabase } from "../../scripts/migrate.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ADMIN_DATABASE_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const DEMO_PASSWORD = "demo-password-123";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database with the committed migrations applied. */
export async function createTestDatabase(migrate = true): Promise<TestDatabase> {
  const name = `fedbank_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  if (migrate) await migrateDatabase(url.toString(), true);
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Stack {
  routerUrl: string;
  ports: Record<"router" | "users" | "accounts" | "transactions" | "notifications" | "audit" | "reporting", number>;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then wait for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the whole platform with `scripts/start.ts`, as `npm start` does, and waits until it is ready. */
export async function startStack(env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const ports = {
    router: await freePort(),
    users: await freePort(),
    accounts: await freePort(),
    transactions: await freePort(),
    notifications: await freePort(),
    audit: await freePort(),
    reporting: await freePort(),
  };
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), "fedbank-test-")));
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `fedbank-test-${randomBytes(4).toString("hex")}:`,
      ROUTER_PORT: String(ports.router),
      USERS_PORT: String(ports.users),
      ACCOUNTS_PORT: String(ports.accounts),
      TRANSACTIONS_PORT: String(ports.transactions),
      NOTIFICATIONS_PORT: String(ports.notifications),
      AUDIT_PORT: String(ports.audit),
      REPORTING_PORT: String(ports.reporting),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const routerUrl = `http://127.0.0.1:${ports.router}/graphql`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode} before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`platform not ready within 120 s:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${ports.router}/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    routerUrl,
    ports,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      if (!env.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
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
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = /^fedbank_sql_statements_total (\d+)/m.exec(text);
  if (!match?.[1]) throw new Error("fedbank_sql_statements_total missing from /metrics");
  return Number(match[1]);
}
