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
    (tx) => appendAuditEventInTransaction(tx, input),
    // Appends queue on the lock; give them room beyond Prisma's 2 s / 5 s defaults under bursts.
    { maxWait: 10_000, timeout: 15_000 },
  );
}

/**
 * The same, inside the caller's transaction (the event consumer's, which also records the event as
 * processed): the advisory lock is held until that transaction ends, so the chain stays linear.
 */
export async function appendAuditEventInTransaction(tx: AuditTx, input: AuditEventInput): Promise<AuditEvent> {
  const content = auditContentOf(input);
  const id = input.id?.toLowerCase();
  if (id !== undefined && !isUuid(id)) throw new TypeError("audit event id must be a UUID");
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`;
  // After the lock (a statement of its own: its snapshot must be taken once the lock is held), one raw
  // statement for the repeat check and the chain's end: every audited mutation comes here through the audit
  // consumer, and each model query would cost a query-compiler pass.
  const [state] = await tx.$queryRaw<{ repeated: boolean; sequence: bigint | null; hash: string | null }[]>`
    SELECT ${id ?? null}::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM "audit"."audit_events" WHERE "id" = ${id ?? null}::uuid) AS repeated,
           latest."sequence", latest."hash"
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT "sequence", "hash" FROM "audit"."audit_events" ORDER BY "sequence" DESC LIMIT 1) AS latest ON true`;
  if (state!.repeated) {
    const existing = await tx.auditEvent.findUnique({ where: { id } });
    if (existing) return existing;
  }
  const latest = state!.sequence === null ? null : { sequence: BigInt(state!.sequence), hash: state!.hash! };
  // The id is chosen here (not by the column default) because the hash covers it too.
  const record = { ...content, id: id ?? randomUUID(), sequence: (latest?.sequence ?? 0n) + 1n };
  const prevHash = latest?.hash ?? GENESIS_HASH;
  return tx.auditEvent.create({
    data: {
      ...record,
      details: record.details as Prisma.InputJsonObject,
      prevHash,
      hash: computeAuditHash(prevHash, record),
    },
  });
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
