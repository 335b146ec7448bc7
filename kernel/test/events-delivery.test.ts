// The relay and the consumers end to end, against real Postgres and, table-driven, against both transports
// (real Redis Streams and the in-process transport of embedded mode): the same behaviour is expected of each.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, Socket, type Server } from "node:net";
import type { Database } from "../db.js";
import { createLogger } from "../logger.js";
import { RedisEventTransport, createOutboxRelay, outboxBacklog, type EventTransport } from "../events/index.js";
import { appendOutboxEvent, createEventConsumer, type EventHandler, type PlatformEvent } from "#domain/events.js";
import { deleteRedisKeys, freePort, TEST_REDIS_URL, type TestDatabase } from "../../test/support/stack.js";
import { TRANSPORTS, useEffectsDatabase, useEventTransport } from "./support/event-transports.js";
import { until } from "../../test/support/wait.js";

const logger = createLogger("events-test", process.env.TEST_LOG_LEVEL ?? "silent");
let database: TestDatabase;
let db: Database;

// The consumers' observable effect in these tests: one row per handled event, in handling order.
useEffectsDatabase(
  `
    CREATE TABLE "reporting"."test_effects" (
      "n" bigserial PRIMARY KEY, "consumer" text NOT NULL, "event_id" uuid NOT NULL, "aggregate_id" text NOT NULL,
      "amount" bigint NOT NULL, "delivery_count" int NOT NULL, "at" timestamptz NOT NULL DEFAULT clock_timestamp())`,
  (store) => ({ database, db } = store),
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Marks leftovers of earlier tests published, so each test's relay sees only its own events. */
async function drainOutbox() {
  await db.pool.query(`UPDATE "ledger"."outbox_events" SET "published_at" = now() WHERE "published_at" IS NULL`);
}

/** Appends `perAggregate` deposits to each aggregate, interleaved, `perTransaction` events per transaction. */
async function appendDeposits(aggregates: string[], perAggregate: number, perTransaction = 10): Promise<string[]> {
  const plan: { aggregateId: string; amount: number }[] = [];
  for (let i = 1; i <= perAggregate; i++) for (const aggregateId of aggregates) plan.push({ aggregateId, amount: i });
  const ids: string[] = [];
  for (let start = 0; start < plan.length; start += perTransaction) {
    const chunk = plan.slice(start, start + perTransaction);
    await db.prisma.$transaction(async (tx) => {
      for (const { aggregateId, amount } of chunk) {
        const event = await appendOutboxEvent(tx, "ledger", {
          type: "ledger.deposit.posted",
          aggregateId,
          payload: { transactionId: randomUUID(), accountId: aggregateId, ownerId: null, amountMinor: String(amount), currency: "USD", postedAt: new Date().toISOString() },
        });
        ids.push(event.id);
      }
    });
  }
  return ids;
}

/**
 * The effects a consumer group applied, in order, for the given events only (a group created at the start of
 * the stream also sees earlier tests' events).
 */
async function effects(consumer: string, eventIds: readonly string[]) {
  const { rows } = await db.pool.query<{ event_id: string; aggregate_id: string; amount: string; delivery_count: number; at: Date }>(
    `SELECT "event_id", "aggregate_id", "amount"::text AS amount, "delivery_count", "at" FROM "reporting"."test_effects"
      WHERE "consumer" = $1 AND "event_id" = ANY($2::uuid[]) ORDER BY "n"`,
    [consumer, eventIds],
  );
  return rows;
}

function recordingHandler(group: string, fail?: (event: PlatformEvent<"ledger.deposit.posted">) => boolean) {
  const calls: { eventId: string; at: number }[] = [];
  const handler: EventHandler<"ledger.deposit.posted"> = async (event, tx, delivery) => {
    calls.push({ eventId: event.id, at: Date.now() });
    if (fail?.(event)) throw new Error("downstream unavailable");
    await tx.$executeRaw`INSERT INTO "reporting"."test_effects" ("consumer", "event_id", "aggregate_id", "amount", "delivery_count")
                         VALUES (${group}, ${event.id}::uuid, ${event.aggregateId}, ${BigInt(event.payload.amountMinor)}, ${delivery.deliveryCount})`;
  };
  return { calls, handler };
}

for (const transportCase of TRANSPORTS) {
  describe(`event delivery over ${transportCase.name}`, { timeout: 300_000 }, () => {
    const events = useEventTransport(transportCase, { prefix: "fedbank-test-events-", db: () => db, logger });
    const { start, consumer } = events;
    const relay = (overrides: Partial<Parameters<typeof createOutboxRelay>[0]> = {}) =>
      start(createOutboxRelay({ databaseUrl: database.url, domain: "ledger", transport: events.transport, logger, pollIntervalMs: 50, ...overrides }));

    test("a committed event is delivered; one appended in a rolled-back transaction never is", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      const { handler } = recordingHandler(group);
      const aggregate = randomUUID();
      await assert.rejects(
        db.prisma.$transaction(async (tx) => {
          await appendOutboxEvent(tx, "ledger", {
            type: "ledger.deposit.posted", aggregateId: aggregate,
            payload: { transactionId: randomUUID(), accountId: aggregate, ownerId: null, amountMinor: "666", currency: "USD", postedAt: new Date().toISOString() },
          });
          throw new Error("rolled back");
        }),
      );
      const [committed] = await appendDeposits([aggregate], 1);
      const lengthBefore = await transport.streamLength("ledger");
      const relayed = relay();
      const consumed = consumer(group, handler);
      const rows = await until("the committed event", async () => ((await effects(group, [committed!])).length === 1 ? effects(group, [committed!]) : false));
      assert.equal(rows[0]!.event_id, committed);
      assert.equal(rows[0]!.amount, "1");
      // Once the relay has nothing left to publish, the stream holds all it will ever get from this test.
      await until("the relay idle", async () => relayed.status().lagSeconds === 0 && (await outboxBacklog(db.pool, "ledger")).unpublished === 0);
      assert.equal(await transport.streamLength("ledger"), lengthBefore + 1, "only the committed event reached the stream");
      const { rowCount } = await db.pool.query(`SELECT 1 FROM "reporting"."test_effects" WHERE "consumer" = $1 AND "amount" = 666`, [group]);
      assert.equal(rowCount, 0, "the rolled-back event was never handled");
      await Promise.all([relayed.stop(), consumed.stop()]);
    });

    test("order per aggregate survives a relay killed between publish and mark; the duplicate is applied once", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      const aggregates = Array.from({ length: 6 }, () => randomUUID());
      const ids = await appendDeposits(aggregates, 25, 7); // 150 events
      const lengthBefore = await transport.streamLength("ledger");

      // The first relay publishes three batches, then "dies" after publishing the fourth but before marking it.
      let batches = 0;
      let killedAfterPublish!: () => void;
      const killed = new Promise<void>((resolve) => (killedAfterPublish = resolve));
      const dying: EventTransport = Object.create(transport);
      dying.publish = async (domain, events) => {
        await transport.publish(domain, events);
        if (++batches === 4) {
          killedAfterPublish();
          await new Promise(() => undefined); // never returns: the mark is never written
        }
      };
      const first = relay({ transport: dying, batchSize: 20 });
      await killed;
      await first.stop(100);
      const backlog = await outboxBacklog(db.pool, "ledger");
      assert.equal(backlog.unpublished, 150 - 60, "three batches marked; the fourth published but not marked");

      const { handler } = recordingHandler(group);
      const consumed = consumer(group, handler);
      // The restarted relay republishes the unmarked batch, then the rest; stopped and restarted once more midway.
      const second = relay({ batchSize: 20 });
      await until("part of the rest", async () => (await outboxBacklog(db.pool, "ledger")).unpublished < 60);
      await second.stop();
      relay({ batchSize: 20 });
      await until("every event handled", async () => (await effects(group, ids)).length >= 150);
      // The republished batch reaches the consumer after the events it duplicates: read the effects once it has.
      await until("the republished batch recognised as duplicates", async () => consumed.outcomes.duplicate >= 20);
      const rows = await effects(group, ids);
      assert.equal(rows.length, 150, "each event applied exactly once");
      assert.deepEqual(new Set(rows.map((row) => row.event_id)), new Set(ids));
      for (const aggregate of aggregates) {
        const amounts = rows.filter((row) => row.aggregate_id === aggregate).map((row) => Number(row.amount));
        assert.deepEqual(amounts, Array.from({ length: 25 }, (_, i) => i + 1), `events of aggregate ${aggregate} in order`);
      }
      assert.ok((await transport.streamLength("ledger")) - lengthBefore >= 170, "the unmarked batch was published twice");
      assert.ok(consumed.outcomes.duplicate >= 20, `duplicates recognised by event id (${consumed.outcomes.duplicate})`);
      assert.equal((await outboxBacklog(db.pool, "ledger")).unpublished, 0);
    });

    test("a commit wakes the relay at once (LISTEN/NOTIFY), well before its next poll", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      await transport.ensureGroup("ledger", group, "latest");
      const { handler } = recordingHandler(group);
      consumer(group, handler);
      const idle = relay({ pollIntervalMs: 30_000 });
      await until("the relay idle", async () => idle.status().leader && idle.status().lagSeconds === 0);
      const committedAt = Date.now();
      const ids = await appendDeposits([randomUUID()], 1);
      await until("delivery", async () => (await effects(group, ids)).length === 1, { timeoutMs: 5_000 });
      const latency = Date.now() - committedAt;
      assert.ok(latency < 2_000, `delivered ${latency} ms after the commit`);
    });

    test("two relays on one domain: one publishes, the other stands by and takes over in order", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      const aggregate = randomUUID();
      // Different connection strings, so the relays are as separate as two processes (advisory lock only).
      const a = relay({ databaseUrl: `${database.url}?application_name=relay-a` });
      const b = relay({ databaseUrl: `${database.url}?application_name=relay-b` });
      await until("a leader", async () => a.status().leader || b.status().leader);
      await sleep(300);
      assert.equal(Number(a.status().leader) + Number(b.status().leader), 1, "exactly one leader");
      const [leader, standby] = a.status().leader ? [a, b] : [b, a];
      const ids = await appendDeposits([aggregate], 10, 3);
      await until("published by the leader", async () => (await outboxBacklog(db.pool, "ledger")).unpublished === 0);
      assert.equal(standby.status().published, 0);
      await leader.stop();
      ids.push(...(await appendDeposits([aggregate], 10, 3)));
      await until("the standby to take over", async () => standby.status().leader && (await outboxBacklog(db.pool, "ledger")).unpublished === 0);
      const { handler } = recordingHandler(group);
      consumer(group, handler, { startFrom: "beginning" });
      const rows = await until("all 20", async () => {
        const all = await effects(group, ids);
        return all.length === 20 ? all : false;
      });
      assert.deepEqual(rows.map((row) => Number(row.amount)), [...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 1)]);
    });

    test("entries read by a consumer that crashed before acknowledging are claimed by another after the idle time", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      await transport.ensureGroup("ledger", group, "latest");
      const ids = await appendDeposits([randomUUID()], 5);
      relay();
      const taken = await until("the crashed consumer's read", async () => {
        const deliveries = await transport.read("ledger", group, "crashed-consumer", { count: 10, blockMs: 100 });
        return deliveries.length > 0 ? deliveries : false;
      });
      const readAt = Date.now();
      assert.equal(taken.length, 5);
      assert.equal(await transport.pendingCount("ledger", group), 5);
      const { handler } = recordingHandler(group);
      const claimIdleMs = 1_000;
      consumer(group, handler, { claimIdleMs });
      const rows = await until("the claimed events", async () => ((await effects(group, ids)).length === 5 ? effects(group, ids) : false));
      assert.deepEqual(rows.map((row) => row.event_id), ids);
      for (const row of rows) {
        assert.ok(row.at.getTime() >= readAt + claimIdleMs - 50, "not claimed before the idle time");
        assert.equal(row.delivery_count, 2, "second delivery");
      }
      await until("acknowledged", async () => (await transport.pendingCount("ledger", group)) === 0);
    });

    test("a failing handler is retried with backoff, then dead-lettered; a replay succeeds once the cause is fixed", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      let broken = true;
      let poisonedId = "";
      const { handler, calls } = recordingHandler(group, (event) => broken && event.id === poisonedId);
      await transport.ensureGroup("ledger", group, "latest");
      const ids = await appendDeposits([randomUUID()], 5);
      poisonedId = ids[2]!;
      relay();
      const consumed = consumer(group, handler, { maxAttempts: 3, retryBaseMs: 100 });
      await until("the healthy events", async () => (await effects(group, ids)).length === 4);
      const dead = await until("the dead letter", async () => {
        const letters = await consumed.listDeadLetters();
        return letters.length === 1 ? letters : false;
      });
      const poisonedCalls = calls.filter((call) => call.eventId === ids[2]);
      assert.equal(poisonedCalls.length, 3, "attempted maxAttempts times");
      assert.ok(poisonedCalls[1]!.at - poisonedCalls[0]!.at >= 100 * 0.75 - 5, "first retry after the base delay");
      assert.ok(poisonedCalls[2]!.at - poisonedCalls[1]!.at >= 200 * 0.75 - 5, "then twice as long");
      assert.equal(dead[0]!.attempts, 3);
      assert.match(dead[0]!.error, /downstream unavailable/);
      assert.equal((dead[0]!.raw as { id: string }).id, ids[2]);
      assert.equal(consumed.outcomes.dead_lettered, 1);
      assert.equal(await transport.pendingCount("ledger", group), 0, "dead-lettered entries are acknowledged");

      const stillBroken = await consumed.replayDeadLetters();
      assert.equal(stillBroken[0]!.outcome, "failed");
      const refiled = await consumed.listDeadLetters();
      assert.equal(refiled.length, 1);
      assert.equal(refiled[0]!.attempts, 4);

      broken = false;
      const replayed = await consumed.replayDeadLetters([refiled[0]!.entryId]);
      assert.deepEqual(replayed.map((result) => [result.eventId, result.outcome]), [[ids[2], "processed"]]);
      assert.deepEqual(await consumed.listDeadLetters(), []);
      assert.deepEqual((await consumed.replayDeadLetters()), []);
      const rows = await effects(group, ids);
      assert.equal(rows.filter((row) => row.event_id === ids[2]).length, 1, "applied once");
      assert.equal(rows.length, 5);
    });

    test("a malformed event is dead-lettered at once (no retry can fix it)", async () => {
      const { transport } = events;
      const group = `g-${randomUUID()}`;
      const { handler, calls } = recordingHandler(group);
      await transport.ensureGroup("ledger", group, "latest");
      const consumed = consumer(group, handler, { maxAttempts: 5 });
      const envelope = {
        id: randomUUID(), type: "ledger.deposit.posted", version: 1, aggregateType: "LedgerTransaction", aggregateId: "a",
        occurredAt: new Date().toISOString(), actor: null, requestId: null, payload: { amountMinor: "12.5" },
      };
      await transport.publish("ledger", [{ sequence: 0n, envelope }]);
      const dead = await until("the dead letter", async () => {
        const letters = await consumed.listDeadLetters();
        return letters.length === 1 ? letters : false;
      });
      assert.equal(dead[0]!.attempts, 1);
      assert.match(dead[0]!.error, /EventSchemaError/);
      assert.equal(calls.length, 0);
    });

    test("while the transport is down the relay keeps rows unpublished, retries with backoff, and delivers when it is back", async () => {
      const { transport } = events;
      await drainOutbox();
      const group = `g-${randomUUID()}`;
      let down = true;
      let attempts = 0;
      const flaky: EventTransport = Object.create(transport);
      flaky.publish = async (domain, events) => {
        attempts += 1;
        if (down) throw new Error("connection refused");
        return transport.publish(domain, events);
      };
      const { handler } = recordingHandler(group);
      consumer(group, handler);
      const relayed = relay({ transport: flaky, maxBackoffMs: 400 });
      const ids = await appendDeposits([randomUUID()], 10);
      await sleep(1_500);
      assert.equal((await outboxBacklog(db.pool, "ledger")).unpublished, 10, "nothing marked while the transport is down");
      assert.ok(relayed.status().consecutiveFailures >= 2, "the relay kept trying");
      assert.ok(attempts < 40, `with backoff, not in a tight loop (${attempts} attempts in 1.5 s)`);
      assert.equal((await effects(group, ids)).length, 0);
      down = false;
      const rows = await until("delivery after recovery", async () => ((await effects(group, ids)).length === 10 ? effects(group, ids) : false));
      assert.deepEqual(rows.map((row) => row.event_id), ids);
      assert.equal((await outboxBacklog(db.pool, "ledger")).unpublished, 0);
    });
  });
}

describe("redis failures (stream lost; real Redis behind a TCP proxy that is cut and restored)", { timeout: 180_000 }, () => {
  /** A TCP proxy to the test Redis that can be cut (every connection dropped, port closed) and restored. */
  async function redisProxy(port: number) {
    const target = new URL(TEST_REDIS_URL);
    const sockets = new Set<Socket>();
    let server: Server | undefined;
    const open = () =>
      new Promise<void>((resolve, reject) => {
        server = createServer((client) => {
          const upstream = new Socket();
          upstream.connect(Number(target.port || 6379), target.hostname);
          for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.on("close", () => sockets.delete(socket));
            socket.on("error", () => undefined);
          }
          client.pipe(upstream).pipe(client);
          client.on("close", () => upstream.destroy());
          upstream.on("close", () => client.destroy());
        });
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
    await open();
    return {
      async cut() {
        await new Promise<void>((resolve) => {
          server!.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
      },
      restore: open,
    };
  }

  test("a stream lost with Redis (restart without persistence) is recreated and consumption goes on", async () => {
    await drainOutbox();
    const prefix = `fedbank-test-events-${randomBytes(4).toString("hex")}:`;
    const transport = new RedisEventTransport({ url: TEST_REDIS_URL, prefix, logger });
    const group = `g-${randomUUID()}`;
    const { handler } = recordingHandler(group);
    const relay = createOutboxRelay({ databaseUrl: database.url, domain: "ledger", transport, logger, pollIntervalMs: 50 });
    const consumer = createEventConsumer({
      transport, source: "ledger", domain: "reporting", group, prisma: db.prisma, logger, blockMs: 200, handlers: { "ledger.deposit.posted": handler },
    });
    relay.start();
    consumer.start();
    try {
      const first = await appendDeposits([randomUUID()], 3);
      await until("delivery before", async () => (await effects(group, first)).length === 3);
      await deleteRedisKeys(TEST_REDIS_URL, prefix);
      const second = await appendDeposits([randomUUID()], 3);
      await until("delivery after the stream was lost", async () => (await effects(group, second)).length === 3);
    } finally {
      await Promise.all([relay.stop(), consumer.stop()]);
      await transport.close();
      await deleteRedisKeys(TEST_REDIS_URL, prefix);
    }
  });

  test("the relay and consumer survive Redis going away; rows stay unpublished and are delivered when it returns", async () => {
    await drainOutbox();
    const prefix = `fedbank-test-events-${randomBytes(4).toString("hex")}:`;
    const port = await freePort();
    const proxy = await redisProxy(port);
    const transport = new RedisEventTransport({ url: `redis://127.0.0.1:${port}`, prefix, logger, commandTimeoutMs: 1_000 });
    const group = `g-${randomUUID()}`;
    const { handler } = recordingHandler(group);
    const relay = createOutboxRelay({ databaseUrl: database.url, domain: "ledger", transport, logger, pollIntervalMs: 50, maxBackoffMs: 500 });
    const consumer = createEventConsumer({
      transport, source: "ledger", domain: "reporting", group, prisma: db.prisma, logger, blockMs: 200,
      handlers: { "ledger.deposit.posted": handler },
    });
    relay.start();
    consumer.start();
    try {
      const beforeOutage = await appendDeposits([randomUUID()], 5);
      await until("delivery before the outage", async () => (await effects(group, beforeOutage)).length === 5);

      await proxy.cut();
      const during = await appendDeposits([randomUUID()], 5);
      await sleep(1_500);
      assert.equal((await outboxBacklog(db.pool, "ledger")).unpublished, 5, "rows kept while Redis is unreachable");
      assert.ok(relay.status().consecutiveFailures > 0);

      await proxy.restore();
      const all = [...beforeOutage, ...during];
      const rows = await until("delivery after Redis returns", async () => ((await effects(group, all)).length === 10 ? effects(group, all) : false), { timeoutMs: 30_000 });
      assert.deepEqual(rows.map((row) => row.event_id), all);
      assert.equal((await outboxBacklog(db.pool, "ledger")).unpublished, 0);
    } finally {
      await Promise.all([relay.stop(), consumer.stop()]);
      await transport.close();
      await proxy.cut();
      await deleteRedisKeys(TEST_REDIS_URL, prefix);
    }
  });
});
