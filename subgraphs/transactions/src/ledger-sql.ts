// Calling the ledger's SQL functions (migration 20261207150000_ledger_database_guarantees): every money
// movement is ONE statement, `SELECT * FROM ledger.<movement>(...)`, sent on the pg pool (one round trip, its
// own implicit transaction). The function claims the idempotency key, locks the accounts in id order, checks
// every rule, writes the postings, balances, outbox event and audit record, and commits or rolls back whole.
import type pg from "pg";
import { GraphQLError } from "graphql";
import { ErrorCode, domainError } from "#kernel/errors.js";
import { type NewEvent } from "#kernel/events/outbox.js";
import { appendOutboxEvent } from "#domain/events.js";
import { withRetries } from "./retry.js";

/** What the ledger needs of a connection pool (a pg.Pool, or one client in tests). */
export type LedgerPool = Pick<pg.Pool, "query">;

const CODES = new Set<string>(Object.values(ErrorCode));

/**
 * The GraphQL error for a refusal raised by a ledger function (SQLSTATE P0001, HINT `fedbank:<CODE>`), or for
 * the constraints a race can still hit (a second reversal or capture committed first); null for anything else.
 */
export function ledgerRefusal(error: unknown): GraphQLError | null {
  const failure = error as { code?: string; hint?: string; message?: string; constraint?: string } | null;
  if (!failure || typeof failure !== "object") return null;
  if (failure.code === "P0001" && failure.hint?.startsWith("fedbank:")) {
    const code = failure.hint.slice("fedbank:".length);
    if (CODES.has(code)) return domainError(code as ErrorCode, failure.message ?? code);
  }
  if (failure.code === "23505" && failure.constraint === "transactions_reverses_id_key") {
    return domainError(ErrorCode.ALREADY_REVERSED, "The transaction has already been reversed");
  }
  if (failure.code === "23505" && failure.constraint === "transactions_hold_id_key") {
    return domainError(ErrorCode.HOLD_NOT_PENDING, "The hold is no longer pending (captured, voided or expired)");
  }
  if (failure.code === "23514" && failure.constraint === "ledger_accounts_available_within_limit") {
    return domainError(ErrorCode.INSUFFICIENT_FUNDS, "Insufficient funds");
  }
  return null;
}

/**
 * Runs one ledger function call and returns its single row. Deadlocks and serialization failures (which the
 * lock order should make impossible) are retried whole; domain refusals become GraphQL errors.
 */
export function callLedger<Row extends pg.QueryResultRow>(pool: LedgerPool, text: string, params: unknown[]): Promise<Row> {
  return withRetries(async () => (await pool.query<Row>(text, params)).rows[0]!, ledgerRefusal);
}

/** One outbox row as the ledger functions take it (`ledger.append_events`). */
export interface OutboxRow {
  id: string;
  type: string;
  version: number;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  actor: unknown;
  requestId: string | null;
  payload: Record<string, unknown>;
}

const OUTBOX_COLUMNS = `("id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at", "actor", "request_id", "payload")`;

/**
 * The outbox rows of a movement, prepared before its statement: each event goes through `appendOutboxEvent`
 * (the registry validates it, exactly as for any producer) with a handle that records the INSERTs instead of
 * running them. The outbox write hook of the audit trail (domain/audit-trail.ts) fires on that handle too, so
 * the mutation's audit record is among the rows, and the ledger function writes them all in its own
 * transaction: the event and the audit record exist if and only if the movement committed. Values the
 * database decides (postedAt, expiresAt) are placeholders that the function overwrites.
 */
export async function prepareOutboxRows(events: NewEvent<string, Record<string, unknown>>[]): Promise<string> {
  const rows = new Map<string, OutboxRow>();
  const recorder = {
    $executeRaw(strings: TemplateStringsArray, ...values: unknown[]) {
      // Both writers send the same column list, with the table as the first value and the nine columns after.
      if (!strings.join("?").includes(OUTBOX_COLUMNS) || values.length < 10) {
        throw new Error("unexpected outbox INSERT shape: prepareOutboxRows must follow kernel/events/outbox.ts");
      }
      const [id, type, version, aggregateType, aggregateId, occurredAt, actor, requestId, payload] = values.slice(1) as [
        string, string, number, string, string, string, string | null, string | null, string,
      ];
      if (!rows.has(id)) {
        rows.set(id, {
          id, type, version, aggregateType, aggregateId, occurredAt,
          actor: actor === null ? null : JSON.parse(actor),
          requestId,
          payload: JSON.parse(payload) as Record<string, unknown>,
        });
      }
      return Promise.resolve(1);
    },
  };
  for (const event of events) {
    await appendOutboxEvent(recorder as never, "ledger", event as never);
  }
  return JSON.stringify([...rows.values()]);
}
