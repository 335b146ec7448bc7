// Nothing lost, nothing doubled: the platform is killed (SIGKILL: no shutdown code runs) in the middle of a
// burst of transfers and restarted on the same database and Redis streams. Every transfer that committed
// (the ledger is the truth, whatever the client saw) yields exactly one notification per recipient: events
// still in the outbox are published by the new relay, entries a dead consumer had read are claimed again,
// and redeliveries are deduplicated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createClient } from "redis";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { createTestDatabase, deleteRedisKeys, graphql, login, startStack, TEST_REDIS_URL } from "./support/stack.js";
import { eventually } from "./support/wait.js";

const ALICE_CHECKING = "FB65FDBK12817536338047";
const BOB_CHECKING = "FB82FDBK88850174739711";
const TRANSFERS = 60;
const CONCURRENCY = 6;
const KILL_AFTER = 15;

/** An `XINFO` reply as a record: a map (RESP3, as the client returns it) or a flat [field, value, ...] list (RESP2). */
function fields(reply: unknown): Record<string, unknown> {
  if (!Array.isArray(reply)) return reply as Record<string, unknown>;
  return Object.fromEntries(Array.from({ length: reply.length / 2 }, (_, index) => [String(reply[2 * index]), reply[2 * index + 1]]));
}

/** The notifications consumer group (subgraphs/notifications/src/consumers.ts, NOTIFICATIONS_GROUP). */
const NOTIFICATIONS_GROUP = "notifications";

/**
 * Where the ledger's events stand for the notifications consumer: outbox rows not yet relayed (the relay
 * would send them again), and its group's pending entries (a restarted consumer claims those again) and
 * last-read entry against the stream's last one.
 */
async function ledgerEventsForNotifications(sql: pg.Pool, redis: { sendCommand(args: string[]): Promise<unknown> }, prefix: string) {
  const { rows } = await sql.query(`SELECT count(*)::int AS n FROM ledger.outbox_events WHERE published_at IS NULL`);
  const key = `${prefix}events:ledger`;
  const last = fields(await redis.sendCommand(["XINFO", "STREAM", key]))["last-generated-id"];
  const group = ((await redis.sendCommand(["XINFO", "GROUPS", key])) as unknown[]).map(fields).find((entry) => entry.name === NOTIFICATIONS_GROUP);
  return { unrelayed: rows[0].n as number, last, read: group?.["last-delivered-id"], pending: group ? Number(group.pending) : undefined };
}

test("SIGKILL mid-burst, restart: every committed transfer yields exactly one notification per recipient", { timeout: 300_000 }, async (t) => {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "fedbank-delivery-"));
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const redis = createClient({ url: TEST_REDIS_URL });
  redis.on("error", () => undefined);
  await redis.connect();
  const prefix = `fedbank-test-${randomUUID().slice(0, 8)}:`;
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    REDIS_KEY_PREFIX: prefix,
    EVENTS_CLAIM_IDLE_MS: "1000",
    EVENTS_POLL_INTERVAL_MS: "100",
  };
  let stack = await startStack(env);
  try {
    const bob = await login(stack.routerUrl, "bob@demo.bank");
    const me = (await graphql(stack.routerUrl, `{ me { id accounts { id number } } }`, {}, bob)).body.data as any;
    const from = me.me.accounts.find((account: { number: string }) => account.number === BOB_CHECKING).id as string;
    const reference = `burst ${randomUUID()}`;

    // The burst: CONCURRENCY workers; the process is killed once KILL_AFTER transfers have answered.
    let next = 0;
    let answered = 0;
    let killed = false;
    const outcomes = { ok: 0, failed: 0 };
    const worker = async () => {
      while (next < TRANSFERS) {
        next += 1;
        try {
          const { body } = await graphql(stack.routerUrl, OPS.transfer, {
            input: { fromAccountId: from, toAccountNumber: ALICE_CHECKING, amount: "0.01", reference, idempotencyKey: randomUUID() },
          }, bob);
          if (body.errors) outcomes.failed += 1;
          else outcomes.ok += 1;
        } catch {
          outcomes.failed += 1; // connection refused or reset: the process is gone
        }
        answered += 1;
        if (answered >= KILL_AFTER && !killed) {
          killed = true;
          stack.process.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.equal(await stack.stop(), null, "the platform was killed");
    assert.ok(outcomes.ok >= KILL_AFTER - CONCURRENCY, `transfers answered before the kill: ${JSON.stringify(outcomes)}`);

    const committed = async () =>
      (await sql.query(`SELECT id::text FROM ledger.transactions WHERE reference = $1`, [reference])).rows.map((row) => row.id as string);
    const before = await committed();
    assert.ok(before.length >= outcomes.ok, "every transfer the client saw succeed is in the ledger");
    assert.ok(before.length < TRANSFERS, "the kill interrupted the burst");

    stack = await startStack(env);
    const restartedAt = Date.now();
    const ids = await committed();
    assert.deepEqual(ids.sort(), before.sort(), "nothing committed after the kill");
    const users = Object.fromEntries(
      (await sql.query(`SELECT id::text, email FROM users.users WHERE email IN ('alice@demo.bank', 'bob@demo.bank')`)).rows.map((row) => [row.email, row.id]),
    );
    const count = async () => {
      const { rows } = await sql.query(
        `SELECT user_id::text, kind, count(*)::int AS n FROM notifications.notifications
          WHERE transaction_id = ANY($1::uuid[]) GROUP BY user_id, kind`,
        [ids],
      );
      return rows as { user_id: string; kind: string; n: number }[];
    };
    const total = (rows: { n: number }[]) => rows.reduce((sum, row) => sum + row.n, 0);
    // Read until every committed transfer has its two notifications (the assertions below say which are missing).
    await eventually("both notifications of every committed transfer", count, (rows) => total(rows) >= ids.length * 2).catch(() => undefined);
    t.diagnostic(`${ids.length} of ${TRANSFERS} transfers committed (${JSON.stringify(outcomes)}); all notified ${Date.now() - restartedAt} ms after the restart was ready`);
    // A redelivery that would duplicate a notification comes from a pending entry or an unrelayed row: wait
    // until there is none, so that any duplicate has been written before the count.
    await eventually(
      "the ledger's events relayed and read by the notifications group, nothing pending",
      () => ledgerEventsForNotifications(sql, redis, prefix),
      (state) => state.unrelayed === 0 && state.pending === 0 && typeof state.last === "string" && state.read === state.last,
    );
    const rows = await count();
    const perTransaction = (
      await sql.query(
        `SELECT transaction_id::text, user_id::text, kind, count(*)::int AS n FROM notifications.notifications
          WHERE transaction_id = ANY($1::uuid[]) GROUP BY 1, 2, 3 HAVING count(*) <> 1`,
        [ids],
      )
    ).rows;
    assert.deepEqual(perTransaction, [], "no duplicates");
    assert.deepEqual(
      rows.map((row) => [row.user_id, row.kind, row.n]).sort(),
      [
        [users["alice@demo.bank"], "MONEY_RECEIVED", ids.length],
        [users["bob@demo.bank"], "MONEY_SENT", ids.length],
      ].sort(),
      `every committed transfer notified both sides once (${ids.length} committed, ${JSON.stringify(outcomes)})`,
    );
    assert.equal(await stack.stop(), 0, "the restarted platform stops cleanly");
  } finally {
    if (stack.process.exitCode === null && stack.process.signalCode === null) await stack.stop();
    await sql.end();
    redis.destroy();
    await deleteRedisKeys(TEST_REDIS_URL, prefix).catch(() => undefined);
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
