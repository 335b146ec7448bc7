// Embedded mode (`npm start` without DATABASE_URL/REDIS_URL): the same relay and consumer code on PGlite and
// the in-process transport. PGlite serves every connection from one backend (advisory locks do not exclude,
// NOTIFY is not delivered over the socket), so this proves the in-process leader guard and the polling path.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type Database } from "../db.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../embedded-postgres.js";
import { createLogger } from "../logger.js";
import { MemoryEventTransport, createOutboxRelay, outboxBacklog } from "../events/index.js";
import { appendOutboxEvent, createEventConsumer } from "#domain/events.js";
import { applyMigrations } from "../../scripts/embedded-migrations.js";
import { freePort, ROOT } from "../../test/support/stack.js";

const logger = createLogger("events-embedded-test", process.env.TEST_LOG_LEVEL ?? "silent");
let dataDir: string;
let embedded: EmbeddedPostgres;
let db: Database;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "fedbank-events-"));
  embedded = await startEmbeddedPostgres(dataDir, await freePort());
  // As `npm start` migrates its embedded database (scripts/start.ts): the scripts applied directly.
  await applyMigrations(embedded.url, join(ROOT, "prisma/migrations"));
  db = createDatabase({ url: embedded.url, poolSize: 4 });
  await db.pool.query(`CREATE TABLE "notifications"."test_effects" ("n" serial PRIMARY KEY, "event_id" uuid NOT NULL, "aggregate_id" text NOT NULL, "amount" int NOT NULL)`);
});

after(async () => {
  await db?.close();
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test("on PGlite with the in-process transport: one leader per domain, every event delivered once and in order", { timeout: 180_000 }, async () => {
  const transport = new MemoryEventTransport();
  const relays = [1, 2].map(() => createOutboxRelay({ databaseUrl: embedded.url, domain: "accounts", transport, logger, pollIntervalMs: 50 }));
  const consumer = createEventConsumer({
    transport, source: "accounts", domain: "notifications", group: "notifications", prisma: db.prisma, logger, blockMs: 200,
    handlers: {
      "accounts.account.frozen": async (event, tx) => {
        await tx.$executeRaw`INSERT INTO "notifications"."test_effects" ("event_id", "aggregate_id", "amount")
                             VALUES (${event.id}::uuid, ${event.aggregateId}, ${Number(event.requestId)})`;
      },
    },
  });
  for (const relay of relays) relay.start();
  consumer.start();
  try {
    const aggregates = [randomUUID(), randomUUID()];
    for (let i = 1; i <= 20; i++) {
      await db.prisma.$transaction(async (tx) => {
        for (const accountId of aggregates) {
          // requestId carries the per-aggregate counter, to check the order of handling.
          await appendOutboxEvent(tx, "accounts", { type: "accounts.account.frozen", aggregateId: accountId, requestId: String(i), payload: { accountId, ownerId: randomUUID() } });
        }
      });
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "notifications"."test_effects"`);
      if (rows[0]!.n >= 40) break;
      assert.ok(Date.now() < deadline, "all events handled within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(relays.filter((relay) => relay.status().leader).length, 1, "the in-process guard keeps one publisher");
    assert.equal(await transport.streamLength("accounts"), 40, "each event published once");
    for (const accountId of aggregates) {
      const { rows } = await db.pool.query<{ amount: number }>(`SELECT "amount" FROM "notifications"."test_effects" WHERE "aggregate_id" = $1 ORDER BY "n"`, [accountId]);
      assert.deepEqual(rows.map((row) => row.amount), Array.from({ length: 20 }, (_, i) => i + 1));
    }
    assert.equal((await outboxBacklog(db.pool, "accounts")).unpublished, 0);
  } finally {
    await Promise.all([...relays.map((relay) => relay.stop()), consumer.stop()]);
  }
});
