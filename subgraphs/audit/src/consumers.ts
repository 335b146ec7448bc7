// The audit consumers: consumer group "audit" on every stream of the backbone. Each event becomes one audit
// record, appended in the consumer's transaction (which also records the event id as processed, so a
// redelivered event appends nothing) under the chain's advisory lock. The record's id is the event's id: a
// second guard against duplicates. Records arrive for changes made while this service was down, because the
// producers' outboxes and the streams keep them until the group has read them.
import type { PrismaClient } from "#kernel/db.js";
import { consumerSettings, type ConsumerTx, type EventConsumer, type EventsConfig } from "#kernel/events/index.js";
import { createEventConsumer, type EventHandler, type EventHandlers, type PlatformEvent } from "#domain/events.js";
import type { StreamDomain } from "#kernel/events/registry.js";
import type { EventTransport } from "#kernel/events/transport.js";
import type { Logger } from "#kernel/logger.js";
import { appendAuditEventInTransaction, type AuditEventInput } from "./chain.js";
import { auditMetrics } from "./metrics.js";

export const AUDIT_GROUP = "audit";

/** Every stream the audit trail reads. */
export const AUDIT_SOURCES = ["users", "accounts", "ledger", "notifications", "reporting", "router"] as const satisfies readonly StreamDomain[];

type AuditRecordedType = "users.audit.recorded" | "accounts.audit.recorded" | "ledger.audit.recorded" | "notifications.audit.recorded" | "reporting.audit.recorded";

/** Security events of the users service that mean something was refused or went wrong. */
const FAILED_SECURITY_EVENTS = new Set([
  "LOGIN_FAILED", "LOCKED_OUT", "REFRESH_TOKEN_REUSED", "STEP_UP_FAILED", "REPEATED_FAILURES", "SESSION_REVOKED_AFTER_FAILURES",
]);

async function append(tx: ConsumerTx, input: AuditEventInput): Promise<void> {
  await appendAuditEventInTransaction(tx, input);
  auditMetrics.appended.inc({ source: input.source ?? "unknown", outcome: input.outcome });
}

/** A mutation's record, as its service wrote it (domain/audit-trail.ts). */
function mutationRecord(source: StreamDomain): EventHandler<AuditRecordedType> {
  return async (event, tx) => {
    const p = event.payload;
    await append(tx, {
      id: event.id,
      occurredAt: new Date(event.occurredAt),
      actorId: event.actor?.userId ?? null,
      actorRole: event.actor?.role ?? null,
      sessionId: event.actor?.sessionId ?? null,
      action: p.action,
      entityType: p.entityType,
      entityId: p.entityId,
      outcome: p.outcome,
      errorCode: p.errorCode,
      requestId: event.requestId,
      clientIp: p.clientIp,
      userAgent: p.userAgent,
      source,
      details: p.details,
    });
  };
}

const usersHandlers: EventHandlers<"users"> = {
  "users.audit.recorded": mutationRecord("users"),
  async "users.security.recorded"(event, tx) {
    const p = event.payload;
    const failed = FAILED_SECURITY_EVENTS.has(p.type);
    await append(tx, {
      id: event.id,
      occurredAt: new Date(event.occurredAt),
      actorId: p.actorId ?? p.userId,
      actorRole: null,
      sessionId: p.sessionId,
      action: `security.${p.type.toLowerCase()}`,
      entityType: "User",
      entityId: p.userId,
      outcome: failed ? "FAILURE" : "SUCCESS",
      errorCode: failed ? p.type : null,
      requestId: event.requestId,
      clientIp: p.clientIp,
      userAgent: p.userAgent,
      source: "users",
      details: { securityEvent: p.type, ...p.details },
    });
  },
};

const routerHandlers: EventHandlers<"router"> = {
  async "router.security.recorded"(event, tx) {
    const p = event.payload;
    const errorCode = p.kind === "RATE_LIMITED" ? "RATE_LIMITED" : p.kind === "TOKEN_REFUSED" || !event.actor ? "UNAUTHENTICATED" : "FORBIDDEN";
    await append(tx, {
      id: event.id,
      occurredAt: new Date(event.occurredAt),
      actorId: event.actor?.userId ?? null,
      actorRole: event.actor?.role ?? null,
      sessionId: event.actor?.sessionId ?? null,
      action: `router.${p.kind.toLowerCase()}`,
      entityType: "Request",
      entityId: event.requestId,
      outcome: "DENIED",
      errorCode,
      requestId: event.requestId,
      clientIp: p.clientIp,
      userAgent: p.userAgent,
      source: "router",
      details: { reason: p.reason, coordinates: p.coordinates, operationName: p.operationName },
    });
  },
};

const HANDLERS: { [Source in (typeof AUDIT_SOURCES)[number]]: EventHandlers<Source> } = {
  users: usersHandlers,
  accounts: { "accounts.audit.recorded": mutationRecord("accounts") },
  ledger: { "ledger.audit.recorded": mutationRecord("ledger") },
  notifications: { "notifications.audit.recorded": mutationRecord("notifications") },
  reporting: { "reporting.audit.recorded": mutationRecord("reporting") },
  router: routerHandlers,
};

export function createAuditConsumers(options: {
  transport: EventTransport;
  prisma: PrismaClient;
  logger: Logger;
  config: EventsConfig;
}): Record<(typeof AUDIT_SOURCES)[number], EventConsumer> {
  const build = <Source extends (typeof AUDIT_SOURCES)[number]>(source: Source) =>
    createEventConsumer<Source>({
      transport: options.transport,
      source,
      domain: "audit",
      group: AUDIT_GROUP,
      prisma: options.prisma,
      handlers: HANDLERS[source] as EventHandlers<Source>,
      logger: options.logger,
      // Appends wait on the chain's lock behind each other: room beyond the default under bursts.
      handlerTimeoutMs: 30_000,
      relevant: (event: PlatformEvent) => event.type.endsWith(".audit.recorded") || event.type.endsWith(".security.recorded"),
      ...consumerSettings(options.config),
    });
  return Object.fromEntries(AUDIT_SOURCES.map((source) => [source, build(source)])) as Record<(typeof AUDIT_SOURCES)[number], EventConsumer>;
}
