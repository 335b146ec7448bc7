import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createDatabase, type Database } from "#kernel/db.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/stack.js";
import {
  GENESIS_HASH,
  REDACTED,
  appendAuditEvent,
  canonicalJson,
  computeAuditHash,
  redactSecrets,
  verifyAuditChain,
  type AuditContent,
} from "../src/chain.js";

const sampleContent: AuditContent = {
  id: "0b9f3c4e-1d2a-4e5f-8a6b-7c8d9e0f1a2b",
  sequence: 1n,
  occurredAt: new Date("2026-01-31T09:30:00.000Z"),
  actorId: "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10",
  actorRole: "CUSTOMER",
  action: "user.login",
  entityType: "User",
  entityId: "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10",
  outcome: "SUCCESS",
  details: { ip: "203.0.113.7", device: { os: "iOS", app: "1.2.0" } },
};

describe("canonicalJson", () => {
  test("sorts keys at every depth and adds no whitespace", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } }), '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  test("the same content written in a different key order serializes identically", () => {
    assert.equal(canonicalJson({ a: 1, b: { c: 2, d: 3 } }), canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  test("follows JSON.stringify for dates, undefined, non-finite numbers and escapes; bigints become strings", () => {
    assert.equal(
      canonicalJson({ at: new Date("2026-01-01T00:00:00Z"), gone: undefined, list: [undefined, NaN], big: 12n, s: 'q"\n' }),
      '{"at":"2026-01-01T00:00:00.000Z","big":"12","list":[null,null],"s":"q\\"\\n"}',
    );
  });
});

describe("redactSecrets", () => {
  test("censors secret-looking values whatever their key: tokens, card numbers, e-mail addresses, TOTP URIs", () => {
    const redacted = redactSecrets({
      note: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
      refresh: "Qm9vbS1ib29tLWJvb20tYm9vbS1ib29tLWJvb20tYm9vbQ",
      pan: "4111 1111 1111 1111",
      memo: "to bob@demo.bank",
      uri: "otpauth://totp/FedBank:alice?secret=JBSWY3DPEHPK3PXP",
      id: "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10",
      amount: "100000.00",
      number: "FB26FDBK00000000000001",
    });
    assert.deepEqual(redacted, {
      note: REDACTED,
      refresh: REDACTED,
      pan: REDACTED,
      memo: REDACTED,
      uri: REDACTED,
      id: "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10",
      amount: "100000.00",
      number: "FB26FDBK00000000000001",
    });
  });

  test("censors secret-looking keys at any depth, in objects and arrays, and keeps the rest", () => {
    const redacted = redactSecrets({
      password: "hunter2",
      user: { email: "a@demo.bank", refreshToken: "r", totpCode: "123456" },
      headers: [{ Authorization: "Bearer x" }, { accept: "json" }],
      card: { cardNumber: "4111111111111111", last4: "1111" },
      clientSecret: { nested: "s" },
      amount: "10.00",
    });
    assert.deepEqual(redacted, {
      password: REDACTED,
      user: { email: REDACTED, refreshToken: REDACTED, totpCode: REDACTED },
      headers: [{ Authorization: REDACTED }, { accept: "json" }],
      card: REDACTED,
      clientSecret: REDACTED,
      amount: "10.00",
    });
  });

  test("does not modify its input", () => {
    const input = { password: "hunter2" };
    redactSecrets(input);
    assert.equal(input.password, "hunter2");
  });
});

describe("computeAuditHash", () => {
  test("is the hex SHA-256 of the previous hash followed by the canonical content", () => {
    const canonical =
      '{"action":"user.login","actorId":"7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10","actorRole":"CUSTOMER","clientIp":null,' +
      '"details":{"device":{"app":"1.2.0","os":"iOS"},"ip":"203.0.113.7"},"entityId":"7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10",' +
      '"entityType":"User","errorCode":null,"id":"0b9f3c4e-1d2a-4e5f-8a6b-7c8d9e0f1a2b","occurredAt":"2026-01-31T09:30:00.000Z",' +
      '"outcome":"SUCCESS","requestId":null,"sequence":"1","sessionId":null,"source":null,"userAgent":null}';
    const expected = createHash("sha256").update(GENESIS_HASH + canonical).digest("hex");
    assert.equal(computeAuditHash(GENESIS_HASH, sampleContent), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  test("changes when any content field or the previous hash changes", () => {
    const base = computeAuditHash(GENESIS_HASH, sampleContent);
    const variants: AuditContent[] = [
      { ...sampleContent, id: randomUUID() },
      { ...sampleContent, sequence: 2n },
      { ...sampleContent, occurredAt: new Date("2026-01-31T09:30:00.001Z") },
      { ...sampleContent, actorId: null },
      { ...sampleContent, actorRole: "ADMIN" },
      { ...sampleContent, action: "user.logout" },
      { ...sampleContent, entityType: "Account" },
      { ...sampleContent, entityId: null },
      { ...sampleContent, outcome: "DENIED" },
      { ...sampleContent, details: { ip: "203.0.113.8", device: { os: "iOS", app: "1.2.0" } } },
    ];
    for (const variant of variants) assert.notEqual(computeAuditHash(GENESIS_HASH, variant), base);
    assert.notEqual(computeAuditHash("f".repeat(64), sampleContent), base);
  });

  test("ignores fields outside the hashed content and the key order of details", () => {
    const reordered = { ...sampleContent, details: { device: { app: "1.2.0", os: "iOS" }, ip: "203.0.113.7" } };
    const row = { ...sampleContent, hash: "x", prevHash: GENESIS_HASH, readBy: "someone" };
    assert.equal(computeAuditHash(GENESIS_HASH, reordered), computeAuditHash(GENESIS_HASH, sampleContent));
    assert.equal(computeAuditHash(GENESIS_HASH, row), computeAuditHash(GENESIS_HASH, sampleContent));
  });
});

describe("the audit chain in Postgres", () => {
  let testDatabase: TestDatabase;
  let databaseUrl: string;
  let database: Database;

  before(async () => {
    testDatabase = await createTestDatabase();
    databaseUrl = testDatabase.url;
    database = createDatabase({ url: databaseUrl, poolSize: 10, applicationName: "audit-test" });
  });

  after(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  test("concurrent appends form one valid chain with contiguous sequences", async () => {
    const actorId = randomUUID();
    // allSettled: a failed append must not leave others running into the teardown.
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        appendAuditEvent(database.prisma, {
          actorId,
          actorRole: "CUSTOMER",
          action: "user.login",
          entityType: "User",
          entityId: actorId,
          outcome: i % 5 === 0 ? "FAILURE" : "SUCCESS",
          details: { attempt: i, ip: "203.0.113.7", password: "must-not-be-stored", nested: { b: 1, a: [1.5, "x"] } },
        }),
      ),
    );
    const failures = results.flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : []));
    assert.deepEqual(failures, []);
    const appended = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const sequences = appended.map((event) => event.sequence).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(sequences, Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));

    const rows = await database.prisma.auditEvent.findMany({ orderBy: { sequence: "asc" } });
    assert.equal(rows[0]?.prevHash, GENESIS_HASH);
    for (let i = 1; i < rows.length; i += 1) assert.equal(rows[i]?.prevHash, rows[i - 1]?.hash);
    for (const row of rows) assert.equal((row.details as Record<string, unknown>).password, REDACTED);

    assert.deepEqual(await verifyAuditChain(database.prisma), { valid: true, checked: 20, firstInvalidSequence: null });
    assert.deepEqual(await verifyAuditChain(database.prisma, 5n, 12n), { valid: true, checked: 8, firstInvalidSequence: null });
  });

  test("appending with an id that is already in the chain returns that record and adds nothing", async () => {
    const id = randomUUID();
    const input = { id, action: "account.opened", entityType: "Account", entityId: "acc-1", outcome: "SUCCESS" as const };
    const first = await appendAuditEvent(database.prisma, input);
    const again = await appendAuditEvent(database.prisma, input);
    assert.equal(again.sequence, first.sequence);
    assert.equal(await database.prisma.auditEvent.count(), 21);
    assert.equal((await verifyAuditChain(database.prisma)).valid, true);
  });

  test("the database refuses to update or delete a record", async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await assert.rejects(client.query(`UPDATE audit.audit_events SET action = 'forged' WHERE sequence = 7`), /append-only/);
      await assert.rejects(client.query(`DELETE FROM audit.audit_events WHERE sequence = 7`), /append-only/);
    } finally {
      await client.end();
    }
    assert.equal((await verifyAuditChain(database.prisma)).valid, true);
  });

  test("a record edited behind the database's back is reported as the first invalid link", async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query("ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only");
      await client.query(`UPDATE audit.audit_events SET action = 'user.logout' WHERE sequence = 7`);
      await client.query("ALTER TABLE audit.audit_events ENABLE TRIGGER audit_events_append_only");
    } finally {
      await client.end();
    }
    assert.deepEqual(await verifyAuditChain(database.prisma), { valid: false, checked: 7, firstInvalidSequence: 7n });
    assert.deepEqual(await verifyAuditChain(database.prisma, 8n), { valid: true, checked: 14, firstInvalidSequence: null });
  });
});
