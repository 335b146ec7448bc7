// Consumers handle the entries of one read together: one database transaction (one multi-row
// processed_events insert) and one acknowledgement per batch. Against real Postgres, on both transports:
// a poisoned event in the middle of a batch is retried and dead-lettered alone while the rest of the batch is
// applied once, in order; a batch redelivered after its transaction committed (crash before XACK) changes
// nothing, and a redelivery mixing handled and new events applies only the new ones.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Database } from "../db.js";
import { createLogger } from "../logger.js";
import type { EventTransport } from "../events/index.js";
import type { EventHandler, PlatformEvent } from "#domain/events.js";
import { TRANSPORTS, useEffectsDatabase, useEventTransport } from "./support/event-transports.js";
import { until } from "../../test/support/wait.js";

const logger = createLogger("events-batch-test", process.env.TEST_LOG_LEVEL ?? "silent");
let db: Database;

// One row per handled event, with the database transaction that applied it.
useEffectsDatabase(
  `
    CREATE TABLE "reporting"."batch_effects" (
      "n" bigserial PRIMARY KEY, "consumer" text NOT NULL, "event_id" uuid NOT NULL, "amount" bigint NOT NULL,
      "txid" bigint NOT NULL DEFAULT txid_current())`,
  (store) => ({ db } = store),
);

/** Publishes `count` deposits straight to the stream (one MULTI: they are read back as one batch). */
async function publishDeposits(transport: EventTransport, count: number, firstAmount = 1): Promise<string[]> {
  const events = Array.from({ length: count }, (_, i) => {
    const accountId = randomUUID();
    return {
      id: randomUUID(), type: "ledger.deposit.posted", version: 1, aggregateType: "LedgerTransaction", aggregateId: accountId,
      occurredAt: new Date().toISOString(), actor: null, requestId: null,
      payload: { transactionId: randomUUID(), accountId, ownerId: null, amountMinor: String(firstAmount + i), currency: "USD", postedAt: new Date().toISOString() },
    };
  });
  await transport.publish("ledger", events.map((envelope, i) => ({ sequence: BigInt(firstAmount + i), envelope })));
  return events.map((event) => event.id);
}

async function effects(group: string) {
  const { rows } = await db.pool.query<{ event_id: string; amount: string; txid: string }>(
    `SELECT "event_id", "amount"::text AS amount, "txid"::text AS txid FROM "reporting"."batch_effects" WHERE "consumer" = $1 ORDER BY "n"`,
    [group],
  );
  return rows;
}

function recordingHandler(group: string, poisoned: () => string | null = () => null) {
  const calls: string[] = [];
  const handler: EventHandler<"ledger.deposit.posted"> = async (event: PlatformEvent<"ledger.deposit.posted">, tx) => {
    calls.push(event.id);
    await tx.$executeRaw`INSERT INTO "reporting"."batch_effects" ("consumer", "event_id", "amount") VALUES (${group}, ${event.id}::uuid, ${BigInt(event.payload.amountMinor)})`;
    // After its write: the failure must roll that write back (and only the batch it was in).
    if (event.id === poisoned()) throw new Error("poisoned event");
  };
  return { calls, handler };
}

for (const transportCase of TRANSPORTS) {
  describe(`batched consumers over ${transportCase.name}`, { timeout: 120_000 }, () => {
    const events = useEventTransport(transportCase, { prefix: "fedbank-test-batch-", db: () => db, logger, consumer: { batchSize: 50 } });
    const { consumer } = events;

    test("one transaction per batch; a poisoned event in the middle is dead-lettered alone, the rest applied once and in order", async () => {
      const { transport } = events;
      const group = `g-${randomUUID()}`;
      await transport.ensureGroup("ledger", group, "latest");
      // Published before the consumer starts: its first read returns the 10 entries together.
      const clean = await publishDeposits(transport, 10, 1);
      const mixed = await publishDeposits(transport, 10, 101);
      const poisonedId = mixed[4]!;
      const { handler, calls } = recordingHandler(group, () => poisonedId);
      const consumed = consumer(group, handler, { maxAttempts: 3, batchSize: 10 });
      await until("every healthy event applied", async () => (await effects(group)).length === 19);
      await until("the dead letter", async () => (await consumed.listDeadLetters()).length === 1);
      const rows = await effects(group);
      const expected = [...clean, ...mixed.filter((id) => id !== poisonedId)];
      assert.deepEqual(rows.map((row) => row.event_id), expected, "each healthy event once, in stream order");
      const txidsOf = (ids: string[]) => new Set(rows.filter((row) => ids.includes(row.event_id)).map((row) => row.txid));
      assert.equal(txidsOf(clean).size, 1, "the first batch of 10 in one transaction");
      assert.equal(txidsOf(mixed.slice(0, 4)).size, 1, "the events before the poisoned one: one transaction");
      assert.equal(txidsOf(mixed.slice(5)).size, 1, "the events after it: one transaction");
      assert.notDeepEqual(txidsOf(mixed.slice(0, 4)), txidsOf(mixed.slice(5)));
      assert.equal(calls.filter((id) => id === poisonedId).length, 3, "the poisoned event tried maxAttempts times (its batch attempt counts)");
      const [letter] = await consumed.listDeadLetters();
      assert.equal((letter!.raw as { id: string }).id, poisonedId);
      assert.equal(letter!.attempts, 3);
      assert.match(letter!.error, /poisoned event/);
      assert.equal(consumed.outcomes.processed, 19);
      assert.equal(consumed.outcomes.dead_lettered, 1);
      assert.equal(consumed.outcomes.retried, 2);
      await until("nothing pending", async () => (await transport.pendingCount("ledger", group)) === 0);
    });

    test("a batch redelivered after its commit (crash before XACK) changes nothing; a mixed redelivery applies only the new events", async () => {
      const { transport } = events;
      const group = `g-${randomUUID()}`;
      await transport.ensureGroup("ledger", group, "latest");
      const first = await publishDeposits(transport, 5, 1);
      // The first consumer commits its batch, then "crashes" before acknowledging: its XACK never happens.
      const crashing: EventTransport = Object.create(transport);
      let committed = false;
      crashing.ack = async () => {
        committed = true;
        await new Promise(() => undefined);
      };
      const { handler: firstHandler } = recordingHandler(group);
      const crashed = consumer(group, firstHandler, { transport: crashing });
      await until("the first batch committed", async () => committed);
      events.forget(crashed); // stopping would wait for the XACK that never returns
      void crashed.stop();
      assert.equal((await effects(group)).length, 5);
      // Five more entries read by another consumer that crashes before handling them.
      const second = await publishDeposits(transport, 5, 6);
      await until("read by the second crashed consumer", async () => (await transport.read("ledger", group, "crashed-2", { count: 10, blockMs: 100 })).length > 0);
      assert.equal(await transport.pendingCount("ledger", group), 10);

      const { handler, calls } = recordingHandler(group);
      const successor = consumer(group, handler, { claimIdleMs: 300 });
      await until("every entry acknowledged", async () => (await transport.pendingCount("ledger", group)) === 0, { timeoutMs: 20_000 });
      const rows = await effects(group);
      assert.deepEqual(rows.map((row) => row.event_id), [...first, ...second], "each event applied exactly once, in order");
      assert.deepEqual(calls, second, "the successor ran handlers only for the events not handled before");
      assert.equal(successor.outcomes.duplicate, 5);
      assert.equal(successor.outcomes.processed, 5);
    });
  });
}
