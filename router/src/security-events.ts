// Security events seen only by the router (authorization denials, rate-limit rejections, refused access
// tokens) for the audit trail. The router has no database, so there is no outbox: each event is published
// straight to the `router` stream of the event backbone (Redis Streams, or the in-process transport in
// embedded mode), where the audit service's consumer group reads it like any other stream. Best effort:
// a refused request is never delayed or failed by this; an event that cannot be published is counted in
// `fedbank_router_security_events_total{outcome="dropped"}` and logged.
import { randomUUID } from "node:crypto";
import { Counter, type Registry } from "prom-client";
import type { EventActor, EventEnvelope } from "#kernel/events/registry.js";
import { eventRegistry } from "#domain/events.js";
import { sharedMemoryTransport } from "#kernel/events/memory-transport.js";
import { RedisEventTransport } from "#kernel/events/redis-transport.js";
import type { EventTransport } from "#kernel/events/transport.js";
import { redactAuditDetails } from "#domain/audit-trail.js";
import type { Caller } from "#kernel/identity.js";
import type { Logger } from "#kernel/logger.js";

export type RouterSecurityEventKind = "AUTHORIZATION_DENIED" | "RATE_LIMITED" | "TOKEN_REFUSED";

export interface RouterSecurityEvent {
  kind: RouterSecurityEventKind;
  /** Why (the limit's name, the token's problem ...): never the token itself. */
  reason: string;
  /** Schema coordinates refused by authorization, e.g. Mutation.reverseTransaction. */
  coordinates?: readonly string[];
  operationName?: string | null;
  caller: Caller | null;
  requestId: string;
  client: { ip: string | null; userAgent: string | null };
}

export interface RouterSecurityEvents {
  /** Publishes in the background; never throws, never waits. */
  record(event: RouterSecurityEvent): void;
  close(): Promise<void>;
}

const STREAM = "router";
const TYPE = "router.security.recorded";
const PUBLISH_TIMEOUT_MS = 2_000;

export function createRouterSecurityEvents(options: {
  redisUrl?: string | undefined;
  prefix: string;
  logger: Logger;
  registry: Registry;
}): RouterSecurityEvents {
  const logger = options.logger.child({ component: "security-events" });
  const transport: EventTransport = options.redisUrl
    ? new RedisEventTransport({ url: options.redisUrl, prefix: options.prefix, logger, commandTimeoutMs: PUBLISH_TIMEOUT_MS })
    : sharedMemoryTransport();
  const counter = new Counter({
    name: "fedbank_router_security_events_total",
    help: "Security events of the router for the audit trail, by kind and outcome (published, or dropped when the stream was unreachable)",
    labelNames: ["kind", "outcome"],
    registers: [options.registry],
  });
  let sequence = BigInt(Date.now()) * 1000n;
  let droppedSinceLog = 0;
  const inFlight = new Set<Promise<void>>();

  function envelopeOf(event: RouterSecurityEvent): EventEnvelope {
    const payload = eventRegistry.validatePayload(TYPE, {
      kind: event.kind,
      reason: String(redactAuditDetails(event.reason.slice(0, 500))),
      coordinates: (event.coordinates ?? []).slice(0, 100).map((coordinate) => coordinate.slice(0, 200)),
      operationName: event.operationName?.slice(0, 200) ?? null,
      clientIp: event.client.ip?.slice(0, 100) ?? null,
      userAgent: event.client.userAgent?.slice(0, 512) ?? null,
    });
    const actor: EventActor | null = event.caller
      ? { userId: event.caller.userId, role: event.caller.role, sessionId: event.caller.sessionId }
      : null;
    return {
      id: randomUUID(),
      type: TYPE,
      version: eventRegistry.get(TYPE)!.version,
      aggregateType: "Request",
      aggregateId: event.requestId,
      occurredAt: new Date().toISOString(),
      actor,
      requestId: event.requestId,
      payload,
    };
  }

  return {
    record(event) {
      let envelope: EventEnvelope;
      try {
        envelope = envelopeOf(event);
      } catch (error) {
        counter.inc({ kind: event.kind, outcome: "dropped" });
        logger.error({ err: error, requestId: event.requestId }, "security event could not be built");
        return;
      }
      sequence += 1n;
      const publish = transport
        .publish(STREAM, [{ sequence, envelope }])
        .then(() => {
          counter.inc({ kind: event.kind, outcome: "published" });
        })
        .catch((error: unknown) => {
          counter.inc({ kind: event.kind, outcome: "dropped" });
          // One line per burst while the stream is unreachable, not one per refused request.
          if (droppedSinceLog++ % 100 === 0) {
            logger.warn({ err: error instanceof Error ? error.message : String(error), requestId: event.requestId, dropped: droppedSinceLog }, "security event dropped: event stream unreachable");
          }
        })
        .finally(() => inFlight.delete(publish));
      inFlight.add(publish);
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      if (options.redisUrl) await transport.close();
    },
  };
}
