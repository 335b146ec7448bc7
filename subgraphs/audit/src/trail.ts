// Reading the trail for auditors: newest first, keyset-paginated on the sequence.
import { badUserInput } from "../../../kernel/errors.js";
import type { AuditEvent } from "../../../kernel/generated/prisma/client.js";
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

/** One page of records older than `afterSequence`, read with one statement (one extra row tells whether more follow). */
export async function listAuditEvents(
  db: Pick<AuditDb, "auditEvent">,
  first: number,
  afterSequence: bigint | null,
): Promise<AuditEventPage> {
  const rows = await db.auditEvent.findMany({
    where: afterSequence === null ? {} : { sequence: { lt: afterSequence } },
    orderBy: { sequence: "desc" },
    take: first + 1,
  });
  return { events: rows.slice(0, first), hasNextPage: rows.length > first };
}
