// The outbox writer: an event is a row in the producing domain's `outbox_events` table, written with the
// transaction client of the change itself, so the event exists if and only if the change committed.
import { randomUUID } from "node:crypto";
import { Prisma } from "../db.js";
import { domainOfEventType, type DefinitionMap, type EventActor, type EventEnvelope, type EventRegistry, type PayloadOf, type ProducerDomain } from "./registry.js";

/** The outbox table of each producing domain (fixed identifiers: never built from input). */
export const OUTBOX_TABLES: Readonly<Record<ProducerDomain, string>> = {
  users: `"users"."outbox_events"`,
  accounts: `"accounts"."outbox_events"`,
  ledger: `"ledger"."outbox_events"`,
  // Audit records of these services' mutations (domain/audit-trail.ts, migration 20261122070000_audit).
  notifications: `"notifications"."outbox_events"`,
  reporting: `"reporting"."outbox_events"`,
};

/**
 * Called after every outbox write, inside the same transaction (domain/audit-trail.ts uses it to put the
 * audit record of the mutation being resolved into that transaction).
 */
export type OutboxWriteHook = (tx: OutboxTx, domain: ProducerDomain, envelope: EventEnvelope) => Promise<void>;
let outboxWriteHook: OutboxWriteHook | undefined;
export function setOutboxWriteHook(hook: OutboxWriteHook | undefined): void {
  outboxWriteHook = hook;
}

/** What a producer supplies; the id, version and time are filled in unless given. */
export interface NewEvent<Type extends string, Payload> {
  type: Type;
  aggregateId: string;
  payload: Payload;
  actor?: EventActor | null;
  requestId?: string | null;
  /** Defaults to now. */
  occurredAt?: Date;
  /** Defaults to a new UUID; give one to make a producer retry write the same event. */
  id?: string;
}

/**
 * The handle of an open database transaction: a Prisma one (`prisma.$transaction(async (tx) => ...)`) or one
 * of the raw pool (kernel/db.ts withSqlTransaction); only its `$executeRaw` is used.
 */
export interface OutboxTx {
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<number>;
}

/**
 * Writes an event to `domain`'s outbox inside the caller's transaction. Call it after the change it
 * describes (after the aggregate's row is locked or written), so that two transactions on one aggregate get
 * outbox sequences in commit order. Throws (and the caller's transaction rolls back) when the payload does
 * not match the registry, so a malformed event is never committed.
 */
export async function appendOutboxEvent<Defs extends DefinitionMap, Domain extends ProducerDomain, Type extends Extract<keyof Defs & string, `${Domain}.${string}`>>(
  registry: EventRegistry<Defs>,
  tx: OutboxTx,
  domain: Domain,
  event: NewEvent<Type, PayloadOf<Defs, Type>>,
): Promise<EventEnvelope<Type, PayloadOf<Defs, Type>>> {
  if (domainOfEventType(event.type) !== domain) throw new Error(`event ${event.type} does not belong to the ${domain} outbox`);
  const definition = registry.get(event.type);
  if (!definition) throw new Error(`unknown event type ${event.type}`);
  const payload = registry.validatePayload(event.type, event.payload);
  const envelope: EventEnvelope<Type, PayloadOf<Defs, Type>> = {
    id: event.id ?? randomUUID(),
    type: event.type,
    version: definition.version,
    aggregateType: definition.aggregateType,
    aggregateId: event.aggregateId,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    actor: event.actor ?? null,
    requestId: event.requestId ?? null,
    payload,
  };
  await tx.$executeRaw`
    INSERT INTO ${Prisma.raw(OUTBOX_TABLES[domain])}
      ("id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at", "actor", "request_id", "payload")
    VALUES (${envelope.id}::uuid, ${envelope.type}, ${envelope.version}, ${envelope.aggregateType}, ${envelope.aggregateId},
            ${envelope.occurredAt}::timestamptz, ${envelope.actor === null ? null : JSON.stringify(envelope.actor)}::jsonb,
            ${envelope.requestId}, ${JSON.stringify(envelope.payload)}::jsonb)`;
  await outboxWriteHook?.(tx, domain, envelope as EventEnvelope);
  return envelope;
}
