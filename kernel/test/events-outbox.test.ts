// The outbox writer and the event registry, against a real Postgres database built by the migrations: an
// event exists exactly when its transaction commits, malformed events never commit, and the database itself
// refuses to lose or rewrite an outbox row.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createDatabase, type Database } from "../db.js";
import { EventSchemaError, createEventRegistry, defineEvent, minorUnits, outboxBacklog } from "../events/index.js";
import { appendOutboxEvent, eventRegistry, EVENT_DEFINITIONS } from "#domain/events.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/stack.js";
import { until } from "../../test/support/wait.js";

let database: TestDatabase;
let db: Database;

before(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 4 });
  await db.pool.query(`CREATE TABLE "ledger"."test_changes" ("id" uuid PRIMARY KEY)`);
});

after(async () => {
  await db?.close();
  await database?.drop();
});

const deposit = (accountId: string, amountMinor = "1050") => ({
  type: "ledger.deposit.posted" as const,
  aggregateId: accountId,
  payload: { transactionId: randomUUID(), accountId, ownerId: randomUUID(), amountMinor, currency: "USD", postedAt: new Date().toISOString() },
});

async function outboxRow(id: string) {
  const { rows } = await db.pool.query(`SELECT * FROM "ledger"."outbox_events" WHERE "id" = $1`, [id]);
  return rows[0] as Record<string, unknown> | undefined;
}

describe("appendOutboxEvent", () => {
  test("writes the versioned envelope in the caller's transaction and returns it", async () => {
    const accountId = randomUUID();
    const actor = { userId: randomUUID(), role: "TELLER", sessionId: randomUUID() };
    const envelope = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "ledger"."test_changes" ("id") VALUES (${accountId}::uuid)`;
      return appendOutboxEvent(tx, "ledger", { ...deposit(accountId), actor, requestId: "req-1" });
    });
    assert.equal(envelope.version, 1);
    assert.equal(envelope.aggregateType, "LedgerTransaction");
    const row = await outboxRow(envelope.id);
    assert.ok(row, "the row is committed with the change");
    assert.equal(row.type, "ledger.deposit.posted");
    assert.equal(row.aggregate_id, accountId);
    assert.deepEqual(row.actor, actor);
    assert.equal(row.request_id, "req-1");
    assert.deepEqual(row.payload, envelope.payload);
    assert.equal(row.published_at, null);
    assert.equal((row.occurred_at as Date).toISOString(), envelope.occurredAt);
    assert.equal(typeof row.sequence, "string", "bigserial sequence");
  });

  test("an event appended in a transaction that rolls back is never written", async () => {
    const accountId = randomUUID();
    let eventId = "";
    await assert.rejects(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "ledger"."test_changes" ("id") VALUES (${accountId}::uuid)`;
        eventId = (await appendOutboxEvent(tx, "ledger", deposit(accountId))).id;
        throw new Error("the change failed after the event was appended");
      }),
      /the change failed/,
    );
    assert.ok(eventId);
    assert.equal(await outboxRow(eventId), undefined);
  });

  test("a payload that does not match the registry aborts the change with it", async () => {
    const accountId = randomUUID();
    const bad = [
      { ...deposit(accountId).payload, amountMinor: "-5" },
      { ...deposit(accountId).payload, amountMinor: "10.50" },
      { ...deposit(accountId).payload, currency: "XXX" },
      { ...deposit(accountId).payload, email: "alice@demo.bank" }, // no personal data beyond ids
    ];
    for (const payload of bad) {
      await assert.rejects(
        db.prisma.$transaction(async (tx) => {
          await tx.$executeRaw`INSERT INTO "ledger"."test_changes" ("id") VALUES (${accountId}::uuid)`;
          await appendOutboxEvent(tx, "ledger", { ...deposit(accountId), payload });
        }),
        EventSchemaError,
      );
    }
    const { rowCount } = await db.pool.query(`SELECT 1 FROM "ledger"."test_changes" WHERE "id" = $1`, [accountId]);
    assert.equal(rowCount, 0, "the change rolled back with the malformed event");
  });

  test("an event goes only to its own domain's outbox", async () => {
    await assert.rejects(
      db.prisma.$transaction(async (tx) =>
        // @ts-expect-error a ledger event in the users outbox does not type-check either
        appendOutboxEvent(tx, "users", deposit(randomUUID())),
      ),
      /does not belong to the users outbox/,
    );
  });

  test("sequences follow commit order for one aggregate written by concurrent transactions", async () => {
    const accountId = randomUUID();
    await db.pool.query(`INSERT INTO "ledger"."test_changes" ("id") VALUES ($1)`, [accountId]);
    // Each transaction locks the aggregate first, then appends: the second waits, so its sequence is larger.
    // The first holds its lock until the second is seen waiting for it (no head start measured in time).
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const write = (amount: string, holdUntil?: () => Promise<unknown>) =>
      db.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "ledger"."test_changes" WHERE "id" = ${accountId}::uuid FOR UPDATE`;
        const event = await appendOutboxEvent(tx, "ledger", deposit(accountId, amount));
        if (holdUntil) await holdUntil();
        return event;
      });
    const secondWaits = () =>
      until("the second writer to wait for the row lock", async () =>
        (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rowCount,
      { intervalMs: 10 });
    const first = write("1", async () => (firstLocked(), secondWaits()));
    await locked;
    await Promise.all([first, write("2")]);
    const { rows } = await db.pool.query<{ amount: string }>(
      `SELECT "payload"->>'amountMinor' AS amount FROM "ledger"."outbox_events" WHERE "aggregate_id" = $1 ORDER BY "sequence"`,
      [accountId],
    );
    assert.deepEqual(rows.map((row) => row.amount), ["1", "2"]);
  });
});

describe("database guards on the outbox", () => {
  test("an unpublished row cannot be deleted, truncated or rewritten; a published one can be pruned", async () => {
    const event = await db.prisma.$transaction((tx) => appendOutboxEvent(tx, "ledger", deposit(randomUUID())));
    await assert.rejects(db.pool.query(`DELETE FROM "ledger"."outbox_events" WHERE "id" = $1`, [event.id]), /cannot be deleted before it is published/);
    await assert.rejects(db.pool.query(`TRUNCATE "ledger"."outbox_events"`), /cannot be truncated/);
    await assert.rejects(
      db.pool.query(`UPDATE "ledger"."outbox_events" SET "payload" = '{"amountMinor":"999999"}' WHERE "id" = $1`, [event.id]),
      /immutable/,
    );
    await assert.rejects(db.pool.query(`UPDATE "ledger"."outbox_events" SET "type" = 'ledger.withdrawal.posted' WHERE "id" = $1`, [event.id]), /immutable/);
    await db.pool.query(`UPDATE "ledger"."outbox_events" SET "published_at" = now() WHERE "id" = $1`, [event.id]);
    await db.pool.query(`DELETE FROM "ledger"."outbox_events" WHERE "id" = $1`, [event.id]);
    assert.equal(await outboxRow(event.id), undefined);
  });

  test("each outbox accepts only its domain's event types and well-formed envelopes", async () => {
    const insert = (schema: string, type: string, payload = "{}") =>
      db.pool.query(
        `INSERT INTO "${schema}"."outbox_events" ("id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at", "payload")
         VALUES (gen_random_uuid(), $1, 1, 'User', 'x', now(), $2::jsonb)`,
        [type, payload],
      );
    await assert.rejects(insert("users", "ledger.transfer.posted"), /outbox_events_type_of_domain/);
    await assert.rejects(insert("accounts", "accounts.account.opened", "[]"), /outbox_events_payload_object/);
    const before = await outboxBacklog(db.pool, "users");
    await insert("users", "users.mfa.enabled");
    assert.equal((await outboxBacklog(db.pool, "users")).unpublished, before.unpublished + 1);
  });

  test("processed-event records are never rewritten", async () => {
    await db.pool.query(`INSERT INTO "notifications"."processed_events" ("consumer", "event_id", "event_type") VALUES ('n', gen_random_uuid(), 'x')`);
    await assert.rejects(db.pool.query(`UPDATE "notifications"."processed_events" SET "consumer" = 'other'`), /never updated/);
  });
});

describe("event registry", () => {
  test("seeds every event the issue lists, each with a producer, consumers and a strict payload", () => {
    const types = Object.keys(EVENT_DEFINITIONS).sort();
    for (const expected of [
      "ledger.transfer.posted", "ledger.hold.placed", "ledger.hold.captured", "ledger.hold.voided", "ledger.hold.expired",
      "ledger.deposit.posted", "ledger.withdrawal.posted", "ledger.reversal.posted",
      "accounts.account.opened", "accounts.account.frozen", "accounts.account.unfrozen", "accounts.account.closed",
      "users.login.succeeded", "users.login.failed", "users.mfa.enabled", "users.mfa.disabled", "users.password.changed",
      "users.user.locked", "users.refresh_token.reuse_detected",
    ]) {
      assert.ok(types.includes(expected), `${expected} is registered`);
    }
    for (const definition of Object.values(EVENT_DEFINITIONS)) {
      assert.ok(definition.consumers.length > 0 && definition.producer && definition.description, definition.type);
      const fields = Object.keys(definition.payload.shape);
      // Audit-only events must say from where (client IP, user agent: docs/audit.md); no other consumer reads them.
      if (definition.consumers.length === 1 && definition.consumers[0] === "audit") continue;
      assert.ok(!fields.some((field) => /email|name|phone|address|password|secret|token|ip/i.test(field.replace(/Id$/, ""))), `${definition.type}: ids only`);
    }
  });

  test("parse validates envelopes and payloads, ignores fields added later, refuses unknown versions", () => {
    const envelope = {
      id: randomUUID(), type: "users.mfa.enabled", version: 1, aggregateType: "User", aggregateId: "u",
      occurredAt: new Date().toISOString(), actor: null, requestId: null, payload: { userId: randomUUID() },
    };
    assert.deepEqual(eventRegistry.parse(envelope), envelope);
    const withNewField = { ...envelope, payload: { ...envelope.payload, addedLater: true } };
    assert.deepEqual(eventRegistry.parse(withNewField).payload, envelope.payload, "consumers tolerate additive changes");
    assert.throws(() => eventRegistry.parse({ ...envelope, version: 2 }), EventSchemaError);
    assert.throws(() => eventRegistry.parse({ ...envelope, type: "users.unknown.thing" }), EventSchemaError);
    assert.throws(() => eventRegistry.parse({ ...envelope, payload: { userId: "not-a-uuid" } }), EventSchemaError);
    assert.throws(() => eventRegistry.parse({ ...envelope, id: undefined }), EventSchemaError);
  });

  test("an older version is upcast to the current one", () => {
    const registry = createEventRegistry({
      "ledger.fee.charged": defineEvent({
        type: "ledger.fee.charged", version: 2, aggregateType: "Fee", description: "test", producer: "test", consumers: ["reporting"],
        payload: z.object({ amountMinor: minorUnits(), currency: z.string() }),
        legacy: { 1: { payload: z.object({ cents: z.number().int() }), upcast: (old) => ({ amountMinor: String(old.cents), currency: "USD" }) } },
      }),
    });
    const parsed = registry.parse({
      id: randomUUID(), type: "ledger.fee.charged", version: 1, aggregateType: "Fee", aggregateId: "f",
      occurredAt: new Date().toISOString(), actor: null, requestId: null, payload: { cents: 250 },
    });
    assert.equal(parsed.version, 2);
    assert.deepEqual(parsed.payload, { amountMinor: "250", currency: "USD" });
  });
});
