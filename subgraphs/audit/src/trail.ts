// Reading the trail for auditors: newest first, keyset-paginated on the sequence.
import { badUserInput } from "#kernel/errors.js";
import { isUuid } from "#kernel/batch.js";
import type { Prisma } from "#kernel/db.js";
import type { AuditEvent, AuditOutcome } from "#kernel/generated/prisma/client.js";
import type { AuditDb } from "./db.js";

export const MAX_AUDIT_PAGE_SIZE = 200;
const MAX_SEQUENCE = 2n ** 63n - 1n;

export interface AuditEventPage {
  events: AuditEvent[];
  hasNextPage: boolean;
}

export function encodeAuditCursor(sequence: bigint): string {
  return Buffer.from(sequence.toString(), "utf8").toString("base64url");
}

/** Cursors are opaque to clients; anything not produced by encodeAuditCursor is bad input. */
export function decodeAuditCursor(cursor: string): bigint {
  const decimal = Buffer.from(cursor, "base64url").toString("utf8");
  const sequence = /^[1-9]\d{0,18}$/.test(decimal) ? BigInt(decimal) : 0n;
  if (sequence < 1n || sequence > MAX_SEQUENCE) {
    throw badUserInput("`after` is not a cursor of the audit trail", { field: "after" });
  }
  return sequence;
}

export interface AuditEventFilter {
  actorId?: string | null;
  action?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  from?: Date | null;
  to?: Date | null;
  outcome?: AuditOutcome | null;
  requestId?: string | null;
}

/** The filter as a Prisma condition; a malformed actor id or an empty time range is bad input. */
export function auditFilterWhere(filter: AuditEventFilter | null | undefined): Prisma.AuditEventWhereInput {
  if (!filter) return {};
  if (filter.actorId != null && !isUuid(filter.actorId)) throw badUserInput("filter.actorId is not a user id", { field: "filter.actorId" });
  if (filter.from != null && filter.to != null && filter.from >= filter.to) {
    throw badUserInput("filter.from must be before filter.to", { field: "filter.from" });
  }
  return {
    ...(filter.actorId != null ? { actorId: filter.actorId.toLowerCase() } : {}),
    ...(filter.action != null ? { action: filter.action } : {}),
    ...(filter.entityType != null ? { entityType: filter.entityType } : {}),
    ...(filter.entityId != null ? { entityId: filter.entityId } : {}),
    ...(filter.outcome != null ? { outcome: filter.outcome } : {}),
    ...(filter.requestId != null ? { requestId: filter.requestId } : {}),
    ...(filter.from != null || filter.to != null
      ? { occurredAt: { ...(filter.from != null ? { gte: filter.from } : {}), ...(filter.to != null ? { lt: filter.to } : {}) } }
      : {}),
  };
}

/** One page of records older than `afterSequence`, read with one statement (one extra row tells whether more follow). */
export async function listAuditEvents(
  db: Pick<AuditDb, "auditEvent">,
  first: number,
  afterSequence: bigint | null,
  filter?: AuditEventFilter | null,
): Promise<AuditEventPage> {
  const where = auditFilterWhere(filter);
  const rows = await db.auditEvent.findMany({
    where: afterSequence === null ? where : { AND: [where, { sequence: { lt: afterSequence } }] },
    orderBy: { sequence: "desc" },
    take: first + 1,
  });
  return { events: rows.slice(0, first), hasNextPage: rows.length > first };
}
