// The audit trail is a hash chain: each record's hash covers its own content and the previous record's
// hash, so changing, removing or reordering any record breaks every link after it. The database refuses
// UPDATE and DELETE on the table; the chain makes an edit that bypasses that (a superuser, a restored
// backup) detectable by verifyAuditChain.
import { createHash, randomUUID } from "node:crypto";
import { redactAuditDetails } from "#domain/audit-trail.js";
import { isUuid } from "#kernel/batch.js";
import type { Prisma } from "#kernel/db.js";
import type { AuditEvent, AuditOutcome } from "#kernel/generated/prisma/client.js";
import type { AuditDb, AuditTx } from "./db.js";

/** prevHash of the first record. */
export const GENESIS_HASH = "0".repeat(64);

/** Key of the transaction-scoped advisory lock that serializes appends across all processes. */
export const AUDIT_CHAIN_LOCK_KEY = 0x6175_6469_7463_6861n; // "auditcha" in ASCII, as one bigint

export { REDACTED } from "#domain/audit-trail.js";

const VERIFY_BATCH_SIZE = 1000;

/**
 * JSON with object keys sorted (by UTF-16 code units, recursively) and no whitespace, so equal content
 * always hashes the same whatever order its keys were written or stored in (jsonb reorders them).
 * Follows JSON.stringify otherwise (toJSON, undefined members dropped); bigints become decimal strings.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value) ?? "null";
}

function serialize(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return JSON.stringify(value.toString());
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return serialize(withToJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => serialize(item) ?? "null").join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .flatMap((key) => {
      const member = serialize(record[key]);
      return member === undefined ? [] : [`${JSON.stringify(key)}:${member}`];
    });
  return `{${members.join(",")}}`;
}

/**
 * A copy of `value` in which every secret-looking key (and personal-data key), at any depth, and every
 * secret-looking string value (tokens, card numbers, e-mail addresses ...) is censored. The producers redact
 * too; this is the last line, applied to whatever arrives.
 */
export function redactSecrets(value: unknown): unknown {
  return redactAuditDetails(value);
}

/** The part of a record its hash covers. */
export interface AuditContent {
  id: string;
  sequence: bigint;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  outcome: AuditOutcome;
  details: unknown;
  sessionId?: string | null;
  errorCode?: string | null;
  requestId?: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
  source?: string | null;
}

/** Hex SHA-256 of the previous hash followed by the canonical JSON of the record's content. */
export function computeAuditHash(prevHash: string, content: AuditContent): string {
  const canonical = canonicalJson({
    id: content.id,
    sequence: content.sequence.toString(),
    occurredAt: content.occurredAt.toISOString(),
    actorId: content.actorId,
    actorRole: content.actorRole,
    action: content.action,
    entityType: content.entityType,
    entityId: content.entityId,
    outcome: content.outcome,
    details: content.details,
    sessionId: content.sessionId ?? null,
    errorCode: content.errorCode ?? null,
    requestId: content.requestId ?? null,
    clientIp: content.clientIp ?? null,
    userAgent: content.userAgent ?? null,
    source: content.source ?? null,
  });
  return createHash("sha256").update(prevHash + canonical, "utf8").digest("hex");
}

export interface AuditEventInput {
  /** When given (e.g. the outbox event id), appending the same id again returns the existing record. */
  id?: string;
  /** Defaults to now; an event consumer passes when the change happened. */
  occurredAt?: Date;
  actorId?: string | null;
  actorRole?: string | null;
  /** What was done, e.g. user.login, account.opened. */
  action: string;
  /** Kind of object acted on, e.g. User, Account. */
  entityType: string;
  entityId?: string | null;
  outcome: AuditOutcome;
  /** Free-form context (from where, amounts ...); secrets are redacted before it is hashed and stored. */
  details?: Record<string, unknown>;
  sessionId?: string | null;
  /** The error code of a failed or denied action. */
  errorCode?: string | null;
  requestId?: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
  /** The stream the record arrived on. */
  source?: string | null;
}

/**
 * Appends one record at the end of the chain. Appends are serialized by a transaction-scoped advisory
 * lock, so concurrent appends from any number of processes get contiguous sequences and valid links.
 * The sequence is set explicitly (not by the column default) because the hash covers it.
 */
export async function appendAuditEvent(db: Pick<AuditDb, "$transaction">, input: AuditEventInput): Promise<AuditEvent> {
  return db.$transaction(
    (tx) => appendAuditEventInTransaction({ query: async (text, values) => ({ rows: await tx.$queryRawUnsafe(text, ...(values ?? [])) }) }, input),
    // Appends queue on the lock; give them room beyond Prisma's 2 s / 5 s defaults under bursts.
    { maxWait: 10_000, timeout: 15_000 },
  );
}

/** The stored columns of a record, as text (the same from the pg driver and from Prisma). */
const RECORD_COLUMNS = `"sequence"::text AS "sequence", "id"::text AS "id", "occurred_at" AS "occurredAt", "actor_id"::text AS "actorId",
  "actor_role" AS "actorRole", "session_id"::text AS "sessionId", "action", "entity_type" AS "entityType", "entity_id" AS "entityId",
  "outcome"::text AS "outcome", "error_code" AS "errorCode", "request_id" AS "requestId", "client_ip" AS "clientIp",
  "user_agent" AS "userAgent", "source", "details", "prev_hash" AS "prevHash", "hash"`;

/**
 * The chain's end as each open transaction left it. The transaction holds the chain's lock until it ends, so
 * nobody else appends meanwhile: the second and later appends of a consumer batch need no lock and no read.
 */
const chainEnds = new WeakMap<AuditTx, { sequence: bigint; hash: string } | null>();

/**
 * The same, inside the caller's transaction (the event consumer's, which also records the event as
 * processed): the advisory lock is held until that transaction ends, so the chain stays linear. Raw
 * statements (`query` of kernel/db.ts's SqlTransaction): every audited mutation comes here through the audit
 * consumer, and a Prisma model query costs several times the CPU (bench:ledger profile).
 */
export async function appendAuditEventInTransaction(tx: AuditTx, input: AuditEventInput): Promise<AuditEvent> {
  const content = auditContentOf(input);
  const id = input.id?.toLowerCase();
  if (id !== undefined && !isUuid(id)) throw new TypeError("audit event id must be a UUID");
  let latest = chainEnds.get(tx);
  if (latest === undefined) {
    // A row of its own (not the void result), so the same text runs through Prisma (appendAuditEvent).
    await tx.query(`SELECT 1 AS "locked" FROM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
    // After the lock (a statement of its own: its snapshot must be taken once the lock is held).
    const { rows } = await tx.query<{ sequence: string; hash: string }>(
      // Ordered by the column (bigint), not by the text the row carries.
      `SELECT e."sequence"::text AS "sequence", e."hash" FROM "audit"."audit_events" e ORDER BY e."sequence" DESC LIMIT 1`,
    );
    latest = rows[0] ? { sequence: BigInt(rows[0].sequence), hash: rows[0].hash } : null;
    chainEnds.set(tx, latest);
  }
  // The id is chosen here (not by the column default) because the hash covers it too.
  const record = { ...content, id: id ?? randomUUID(), sequence: (latest?.sequence ?? 0n) + 1n };
  const prevHash = latest?.hash ?? GENESIS_HASH;
  const hash = computeAuditHash(prevHash, record);
  // An id already in the chain adds nothing (and leaves its end as it was): that record is returned.
  const inserted = await tx.query(
    `INSERT INTO "audit"."audit_events" ("sequence", "id", "occurred_at", "actor_id", "actor_role", "session_id", "action", "entity_type",
       "entity_id", "outcome", "error_code", "request_id", "client_ip", "user_agent", "source", "details", "prev_hash", "hash")
     VALUES ($1::bigint, $2::uuid, $3::timestamptz, $4::uuid, $5, $6::uuid, $7, $8, $9, $10::"audit"."AuditOutcome", $11, $12, $13, $14, $15, $16::jsonb, $17, $18)
     ON CONFLICT ("id") DO NOTHING
     RETURNING 1 AS "inserted"`,
    [
      String(record.sequence), record.id, record.occurredAt.toISOString(), record.actorId, record.actorRole, record.sessionId, record.action,
      record.entityType, record.entityId, record.outcome, record.errorCode, record.requestId, record.clientIp, record.userAgent, record.source,
      JSON.stringify(record.details), prevHash, hash,
    ],
  );
  if (inserted.rows.length === 0) {
    const existing = await tx.query<StoredRecord>(`SELECT ${RECORD_COLUMNS} FROM "audit"."audit_events" WHERE "id" = $1::uuid`, [record.id]);
    return recordOf(existing.rows[0]!);
  }
  chainEnds.set(tx, { sequence: record.sequence, hash });
  return { ...record, details: record.details as AuditEvent["details"], prevHash, hash };
}

/** A stored record as RECORD_COLUMNS selects it. */
type StoredRecord = Omit<AuditEvent, "sequence" | "occurredAt"> & { sequence: string; occurredAt: Date | string };

function recordOf(row: StoredRecord): AuditEvent {
  return { ...row, sequence: BigInt(row.sequence), occurredAt: new Date(row.occurredAt) };
}

/** Validates and normalizes an input into exactly what will be stored, so the hash matches a re-read. */
function auditContentOf(input: AuditEventInput): Required<Omit<AuditContent, "sequence" | "id">> {
  const occurredAt = input.occurredAt ?? new Date();
  if (Number.isNaN(occurredAt.getTime())) throw new TypeError("audit occurredAt is not a valid date");
  if (input.action.trim() === "") throw new TypeError("audit action must not be empty");
  if (input.entityType.trim() === "") throw new TypeError("audit entityType must not be empty");
  // Postgres returns uuids in lower case; hashing the stored form keeps verification stable.
  const actorId = input.actorId?.toLowerCase() ?? null;
  if (actorId !== null && !isUuid(actorId)) throw new TypeError("audit actorId must be a UUID");
  // Round-tripped through canonical JSON: what jsonb stores and returns is exactly what was hashed.
  const details = JSON.parse(canonicalJson(redactSecrets(input.details ?? {}))) as unknown;
  const sessionId = input.sessionId?.toLowerCase() ?? null;
  if (sessionId !== null && !isUuid(sessionId)) throw new TypeError("audit sessionId must be a UUID");
  return {
    occurredAt,
    actorId,
    sessionId,
    errorCode: input.errorCode ?? null,
    requestId: input.requestId ?? null,
    // Client details are checked like any other value (an IP is fine; a pasted secret is not).
    clientIp: input.clientIp == null ? null : (redactAuditDetails(input.clientIp) as string),
    userAgent: input.userAgent == null ? null : (redactAuditDetails(input.userAgent) as string),
    source: input.source ?? null,
    actorRole: input.actorRole ?? null,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    outcome: input.outcome,
    details,
  };
}

export interface AuditChainVerification {
  /** True when every checked record's hash and link are intact and sequences are contiguous. */
  valid: boolean;
  /** Records checked, up to and including the first invalid one. */
  checked: number;
  /** Sequence of the first record whose hash, link or position is wrong; null when valid. */
  firstInvalidSequence: bigint | null;
}

/**
 * Recomputes every record's hash and its link to the previous record, in sequence order, between
 * `fromSequence` and `toSequence` (inclusive; the whole chain by default). Reads 1000 records at a time.
 */
export async function verifyAuditChain(
  db: Pick<AuditDb, "auditEvent">,
  fromSequence?: bigint,
  toSequence?: bigint,
): Promise<AuditChainVerification> {
  const start = fromSequence !== undefined && fromSequence > 1n ? fromSequence : 1n;
  // The record before the range anchors the first link; with none, the range must start the chain.
  const anchor =
    start > 1n
      ? await db.auditEvent.findFirst({
          where: { sequence: { lt: start } },
          orderBy: { sequence: "desc" },
          select: { sequence: true, hash: true },
        })
      : null;
  let expectedSequence = anchor ? anchor.sequence + 1n : 1n;
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let next = start;
  let checked = 0;

  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: { sequence: { gte: next, ...(toSequence === undefined ? {} : { lte: toSequence }) } },
      orderBy: { sequence: "asc" },
      take: VERIFY_BATCH_SIZE,
    });
    for (const record of batch) {
      checked += 1;
      const intact =
        record.sequence === expectedSequence &&
        record.prevHash === prevHash &&
        computeAuditHash(record.prevHash, record) === record.hash;
      if (!intact) return { valid: false, checked, firstInvalidSequence: record.sequence };
      prevHash = record.hash;
      expectedSequence += 1n;
    }
    const last = batch.at(-1);
    if (!last || batch.length < VERIFY_BATCH_SIZE) return { valid: true, checked, firstInvalidSequence: null };
    next = last.sequence + 1n;
  }
}
