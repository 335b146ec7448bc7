// Nothing lost, nothing doubled, when a part of the event path fails during a burst of transfers through
// the router: (1) the notifications worker (consumers + dispatcher, its own process) is SIGKILLed and started
// again; (2) Redis itself (a private redis-server without persistence, so it comes back EMPTY) is killed and
// started again. In both cases every transfer the ledger committed yields exactly one MONEY_SENT and one
// MONEY_RECEIVED notification: the outbox keeps what was not published, pending entries of a dead consumer
// are claimed, events Redis lost are published again, and redeliveries are deduplicated.
// Both faults hit one platform (one boot): it runs on the private Redis, its notifications worker as a
// process of its own; the Redis test runs after the worker test, with the worker it restarted.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { createClient } from "redis";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import {
  createTestDatabase,
  freePort,
  graphql,
  login,
  ROOT,
  startStack,
  startSubgraphProcess,
  type Stack,
  type SubgraphProcess,
  type TestDatabase,
} from "./support/stack.js";
import { until } from "./support/wait.js";

const ALICE_CHECKING = "FB65FDBK12817536338047";
const BOB_CHECKING = "FB82FDBK88850174739711";
const TRANSFERS = 40;
const CONCURRENCY = 4;

interface Burst {
  reference: string;
  outcomes: { ok: number; failed: number };
  /** Distinct errors the client saw (codes or messages), for the diagnostics. */
  errors: Set<string>;
}

/**
 * TRANSFERS transfers of 0.01 from Bob to Alice; `onAnswered(n)` runs after the n-th answer (the fault
 * injection); every worker waits for it before its next transfer.
 */
async function burst(stack: Stack, onAnswered: (answered: number) => Promise<void> | void): Promise<Burst> {
  const bob = await login(stack.routerUrl, "bob@demo.bank");
  const me = (await graphql(stack.routerUrl, `{ me { accounts { id number } } }`, {}, bob)).body.data as any;
  const from = me.me.accounts.find((account: { number: string }) => account.number === BOB_CHECKING).id as string;
  const reference = `resilience ${randomUUID()}`;
  const outcomes = { ok: 0, failed: 0 };
  const errors = new Set<string>();
  let next = 0;
  let answered = 0;
  let gate: Promise<void> = Promise.resolve();
  const worker = async () => {
    while (next < TRANSFERS) {
      await gate;
      if (next >= TRANSFERS) break;
      next += 1;
      try {
        const { body } = await graphql(stack.routerUrl, OPS.transfer, {
          input: { fromAccountId: from, toAccountNumber: ALICE_CHECKING, amount: "0.01", reference, idempotencyKey: randomUUID() },
        }, bob);
        if (body.errors) {
          outcomes.failed += 1;
          errors.add(`${body.errors[0]?.extensions?.code ?? ""} ${body.errors[0]?.message ?? ""}`.slice(0, 160));
        } else outcomes.ok += 1;
      } catch (error) {
        outcomes.failed += 1;
        errors.add(error instanceof Error ? error.message : String(error));
      }
      answered += 1;
      // Chained: a later answer cannot open the gate while an earlier fault injection is still running.
      const count = answered;
      gate = gate.then(() => onAnswered(count));
      await gate;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { reference, outcomes, errors };
}

/**
 * Nothing left that could be delivered again: every ledger event published (no outbox row waits for the
 * relay) and none pending in the notifications group (read but unacknowledged: what a claim redelivers).
 */
async function nothingLeftToRedeliver(sql: pg.Pool, redisUrl: string, prefix: string): Promise<boolean> {
  const unpublished = (await sql.query(`SELECT count(*)::int AS n FROM ledger.outbox_events WHERE published_at IS NULL`)).rows[0].n as number;
  if (unpublished > 0) return false;
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.xPending(`${prefix}events:ledger`, "notifications")).pending === 0;
  } finally {
    client.destroy();
  }
}

/** Waits until every committed transfer of the burst notified both sides, then checks: exactly once each. */
async function assertNotifiedExactlyOnce(sql: pg.Pool, redis: { url: string; prefix: string }, run: Burst, diagnostic: (message: string) => void) {
  const ids = (await sql.query(`SELECT id::text FROM ledger.transactions WHERE reference = $1`, [run.reference])).rows.map((row) => row.id as string);
  assert.ok(ids.length > 0, `some transfers committed (${JSON.stringify(run.outcomes)})`);
  const total = async () =>
    (await sql.query(`SELECT count(*)::int AS n FROM notifications.notifications WHERE transaction_id = ANY($1::uuid[])`, [ids])).rows[0].n as number;
  const started = Date.now();
  while ((await total()) < ids.length * 2 && Date.now() - started < 90_000) await new Promise((resolve) => setTimeout(resolve, 250));
  diagnostic(`${ids.length} of ${TRANSFERS} transfers committed (${JSON.stringify(run.outcomes)}); all notified after ${Date.now() - started} ms`);
  if (run.errors.size > 0) diagnostic(`errors seen by the client: ${JSON.stringify([...run.errors])}`);
  // Late redeliveries would show up as duplicates: checked once none can come any more.
  await until("no ledger event left to publish or redeliver", () => nothingLeftToRedeliver(sql, redis.url, redis.prefix), { intervalMs: 100 });
  const duplicates = (
    await sql.query(
      `SELECT transaction_id::text, user_id::text, kind, count(*)::int AS n FROM notifications.notifications
        WHERE transaction_id = ANY($1::uuid[]) GROUP BY 1, 2, 3 HAVING count(*) <> 1`,
      [ids],
    )
  ).rows;
  assert.deepEqual(duplicates, [], "no duplicates");
  const perKind = (
    await sql.query(
      `SELECT u.email, n.kind, count(*)::int AS n FROM notifications.notifications n JOIN users.users u ON u.id = n.user_id
        WHERE n.transaction_id = ANY($1::uuid[]) GROUP BY 1, 2 ORDER BY 1, 2`,
      [ids],
    )
  ).rows;
  assert.deepEqual(
    perKind,
    [
      { email: "alice@demo.bank", kind: "MONEY_RECEIVED", n: ids.length },
      { email: "bob@demo.bank", kind: "MONEY_SENT", n: ids.length },
    ],
    "every committed transfer notified both sides exactly once",
  );
}

/** A private redis-server (no persistence: a restart comes back empty), never the machine's shared one. */
async function startPrivateRedis(port: number): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const { createClient } = await import("redis");
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.destroy();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("private redis-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

describe("a fault in the event path during a burst", () => {
  /** The platform both fault tests share; its notifications worker and its Redis are replaced by the tests. */
  const platform = {
    database: undefined as unknown as TestDatabase,
    sql: undefined as unknown as pg.Pool,
    stack: undefined as unknown as Stack,
    redis: undefined as unknown as Awaited<ReturnType<typeof startPrivateRedis>>,
    redisPort: 0,
    worker: undefined as SubgraphProcess | undefined,
    common: {} as NodeJS.ProcessEnv & { DATABASE_URL: string; ROUTER_IDENTITY_SECRET: string },
    get redisUrl() {
      return `redis://127.0.0.1:${this.redisPort}`;
    },
    get redisKeyPrefix() {
      return this.stack.redisKeyPrefix;
    },
  };

  before(async () => {
    platform.database = await createTestDatabase();
    platform.sql = new pg.Pool({ connectionString: platform.database.url, max: 2 });
    platform.redisPort = await freePort();
    platform.redis = await startPrivateRedis(platform.redisPort);
    platform.common = {
      DATABASE_URL: platform.database.url,
      ROUTER_IDENTITY_SECRET: randomBytes(32).toString("hex"),
      REDIS_URL: platform.redisUrl,
      REDIS_KEY_PREFIX: `fedbank-test-${randomUUID().slice(0, 8)}:`,
      EVENTS_CLAIM_IDLE_MS: "1000",
      EVENTS_POLL_INTERVAL_MS: "100",
    };
    // The platform's own notifications service serves the API only; the worker runs alone, to be killed.
    platform.stack = await startStack({ ...platform.common, NOTIFICATIONS_WORKERS_ENABLED: "false" });
    platform.worker = await startSubgraphProcess("notifications", platform.stack, platform.common);
  });

  after(async () => {
    await platform.worker?.stop();
    await platform.stack?.stop();
    await platform.redis?.stop();
    await platform.sql?.end();
    await platform.database?.drop();
  });

  test("the notifications worker is killed mid-burst and restarted: every transfer notified exactly once", { timeout: 300_000 }, async (t) => {
    const { stack, sql, common } = platform;
    const run = await burst(stack, async (answered) => {
      if (answered === 10) await platform.worker!.kill();
      if (answered === 25) platform.worker = await startSubgraphProcess("notifications", stack, common);
    });
    await assertNotifiedExactlyOnce(sql, { url: platform.redisUrl, prefix: platform.redisKeyPrefix }, run, (message) => t.diagnostic(message));
  });

  test("Redis is killed mid-burst and comes back empty: outbox rows are published again, every transfer notified exactly once", { timeout: 300_000 }, async (t) => {
    const { stack, sql } = platform;
    let outageStarted = 0;
    let restoredAt = 0;
    const run = await burst(stack, async (answered) => {
      if (answered === 10) {
        await platform.redis.stop();
        outageStarted = Date.now();
      }
      if (answered === 25) {
        // Keep the outage visible for at least a second whatever the transfers' speed.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - outageStarted))));
        platform.redis = await startPrivateRedis(platform.redisPort);
        // The router refuses signed-in requests while it cannot check revocations (fail closed): the rest
        // of the burst starts once it serves them again, so transfers after the outage are covered too.
        const deadline = Date.now() + 60_000;
        for (;;) {
          const served = await login(stack.routerUrl, "bob@demo.bank")
            .then(async (token) => !(await graphql(stack.routerUrl, `{ me { id } }`, {}, token)).body.errors)
            .catch(() => false);
          if (served) break;
          assert.ok(Date.now() < deadline, "the router serves signed-in requests again within a minute of Redis's return");
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        restoredAt = answered;
      }
    });
    assert.equal(restoredAt, 25, "Redis was restarted during the burst");
    await assertNotifiedExactlyOnce(sql, { url: platform.redisUrl, prefix: platform.redisKeyPrefix }, run, (message) => t.diagnostic(message));
    const afterOutage = (await sql.query(`SELECT count(*)::int AS n FROM ledger.transactions WHERE reference = $1`, [run.reference])).rows[0].n as number;
    assert.ok(afterOutage > 15, `transfers committed before and after the outage (${afterOutage})`);
  });
});

test("a service that emits or consumes events refuses to start alone in production without REDIS_URL", { timeout: 60_000 }, async () => {
  // Both at once: each process loads its whole service before its configuration check fails.
  await Promise.all(
    ["transactions", "notifications"].map(async (service) => {
      const child = spawn(process.execPath, ["--import", "tsx", `subgraphs/${service}/src/main.ts`], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: "production",
          LOG_LEVEL: "silent",
          DATABASE_URL: "postgresql://fedbank@127.0.0.1:1/never_reached",
          ROUTER_IDENTITY_SECRET: randomBytes(32).toString("hex"),
          [`${service.toUpperCase()}_PORT`]: String(await freePort()),
        },
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      // "close": the exit code once all its output has been read.
      const status = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
      clearTimeout(timer);
      assert.notEqual(status, 0, `${service} started without Redis in production`);
      assert.match(output, /REDIS_URL is missing/, `${service} says why`);
    }),
  );
});
