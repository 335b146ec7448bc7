// Event backbone throughput (was a test that only printed numbers): 2,000 ledger events appended to the
// outbox, then relay → transport → consumer until every event is handled
// exactly once, over real Redis Streams and over the in-process transport of embedded mode (the consumer reads
// up to 200 entries at a time and applies each read in one database transaction). Prints events/s;
// bounded (≤ 60 s of load). Run: node --import tsx bench/events.ts [--events 2000]
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createDatabase, type Database } from "#kernel/db.js";
import { createLogger } from "#kernel/logger.js";
import {
  MemoryEventTransport,
  RedisEventTransport,
  createOutboxRelay,
  outboxBacklog,
  type EventTransport,
} from "#kernel/events/index.js";
import { appendOutboxEvent, createEventConsumer } from "#domain/events.js";
import { TEST_REDIS_URL, createTestDatabase, deleteRedisKeys } from "../test/support/stack.js";
import { until } from "../test/support/wait.js";

// `--batch-sizes 1,200` also measures a consumer reading one entry at a time (a transaction and an XACK per
// event, as before batching) in the same run, for a ratio on a shared machine.
const { values: options } = parseArgs({ options: { events: { type: "string", default: "2000" }, "batch-sizes": { type: "string", default: "200" } } });
const total = Number(options.events);
const batchSizes = options["batch-sizes"].split(",").map(Number);
const logger = createLogger("bench-events", "silent");

async function appendDeposits(db: Database, aggregates: number, perTransaction: number): Promise<string[]> {
  const ids: string[] = [];
  const accounts = Array.from({ length: aggregates }, () => randomUUID());
  for (let start = 0; start < total; start += perTransaction) {
    await db.prisma.$transaction(async (tx) => {
      for (let i = start; i < Math.min(total, start + perTransaction); i++) {
        const accountId = accounts[i % aggregates]!;
        const event = await appendOutboxEvent(tx, "ledger", {
          type: "ledger.deposit.posted",
          aggregateId: accountId,
          payload: { transactionId: randomUUID(), accountId, ownerId: null, amountMinor: String(i + 1), currency: "USD", postedAt: new Date().toISOString() },
        });
        ids.push(event.id);
      }
    });
  }
  return ids;
}

async function measure(name: string, transport: EventTransport, database: { url: string }, db: Database, batchSize: number) {
  await db.pool.query(`UPDATE "ledger"."outbox_events" SET "published_at" = now() WHERE "published_at" IS NULL`);
  const ids = await appendDeposits(db, 20, 100);
  const group = `bench-${randomUUID()}`;
  const started = Date.now();
  const relay = createOutboxRelay({ databaseUrl: database.url, domain: "ledger", transport, logger, pollIntervalMs: 50, batchSize: 500 });
  const consumer = createEventConsumer({
    transport, source: "ledger", domain: "reporting", group, prisma: db.prisma, logger, blockMs: 200, retryBaseMs: 20, claimIdleMs: 60_000, batchSize,
    handlers: {
      "ledger.deposit.posted": async (event, tx) => {
        await tx.$executeRaw`INSERT INTO "reporting"."bench_effects" ("consumer", "event_id") VALUES (${group}, ${event.id}::uuid)`;
      },
    },
  });
  relay.start();
  consumer.start();
  try {
    await until("the outbox drained", async () => (await outboxBacklog(db.pool, "ledger")).unpublished === 0, { timeoutMs: 60_000, intervalMs: 20 });
    const relaySeconds = (Date.now() - started) / 1000;
    const handled = async () =>
      (await db.pool.query(`SELECT count(DISTINCT "event_id")::int AS n, count(*)::int AS rows FROM "reporting"."bench_effects" WHERE "consumer" = $1 AND "event_id" = ANY($2::uuid[])`, [group, ids])).rows[0] as { n: number; rows: number };
    await until("every event handled", async () => (await handled()).n === total, { timeoutMs: 60_000, intervalMs: 20 });
    const seconds = (Date.now() - started) / 1000;
    const { rows } = await handled();
    if (rows !== total) throw new Error(`${name}: ${rows} effects for ${total} events (an event was handled twice)`);
    console.log(
      `events (${name}): relay published ${total} in ${relaySeconds.toFixed(2)} s (${Math.round(total / relaySeconds)}/s); ` +
        `relay → consumer (a transaction per read of up to ${batchSize}): ${seconds.toFixed(2)} s (${Math.round(total / seconds)}/s)`,
    );
  } finally {
    await Promise.all([relay.stop(), consumer.stop()]);
  }
}

const database = await createTestDatabase();
const db = createDatabase({ url: database.url, poolSize: 6 });
try {
  await db.pool.query(`CREATE TABLE "reporting"."bench_effects" ("consumer" text NOT NULL, "event_id" uuid NOT NULL)`);
  const prefix = `fedbank-bench-events-${randomBytes(4).toString("hex")}:`;
  const redis = new RedisEventTransport({ url: TEST_REDIS_URL, prefix, logger, commandTimeoutMs: 2_000 });
  try {
    for (const batchSize of batchSizes) await measure("redis streams", redis, database, db, batchSize);
  } finally {
    await redis.close();
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
  }
  const memory = new MemoryEventTransport({ prefix });
  try {
    for (const batchSize of batchSizes) await measure("in-process", memory, database, db, batchSize);
  } finally {
    await memory.close();
  }
} finally {
  await db.close();
  await database.drop();
}
