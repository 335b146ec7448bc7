// Metrics hooks of the event backbone, and an adapter that feeds them into a prom-client registry (the one
// each process serves on /metrics). Relays and consumers created without their own hooks report to
// `processEventMetrics`, which every subgraph's /metrics serves (kernel/subgraph-server.ts).
import { Counter, Gauge, Registry } from "prom-client";

export type ConsumeOutcome = "processed" | "duplicate" | "ignored" | "retried" | "dead_lettered" | "lost";

export interface EventMetrics {
  /** Events the relay published (after they were marked). */
  outboxPublished?(domain: string, count: number): void;
  /** Age of the oldest unpublished outbox row, in seconds (0 when the outbox is drained). */
  outboxLag?(domain: string, seconds: number): void;
  /** A publish attempt failed (transport down): the rows stay unpublished and are retried. */
  outboxPublishFailed?(domain: string): void;
  /** What a consumer did with one delivery. */
  eventConsumed?(stream: string, group: string, type: string, outcome: ConsumeOutcome): void;
  /** How far behind a consumer group is: age of the event it just handled, 0 when it has caught up. */
  consumerLag?(stream: string, group: string, seconds: number): void;
}

export function prometheusEventMetrics(registry: Registry, prefix = "fedbank"): EventMetrics {
  const published = new Counter({ name: `${prefix}_outbox_published_total`, help: "Outbox events published to the event transport", labelNames: ["domain"], registers: [registry] });
  const failed = new Counter({ name: `${prefix}_outbox_publish_failures_total`, help: "Failed outbox publish attempts (retried with backoff)", labelNames: ["domain"], registers: [registry] });
  const lag = new Gauge({ name: `${prefix}_outbox_lag_seconds`, help: "Age of the oldest unpublished outbox event", labelNames: ["domain"], registers: [registry] });
  const consumed = new Counter({
    name: `${prefix}_events_consumed_total`,
    help: "Event deliveries handled by consumers, by outcome",
    labelNames: ["stream", "group", "type", "outcome"],
    registers: [registry],
  });
  const consumerLag = new Gauge({
    name: `${prefix}_consumer_lag_seconds`,
    help: "Age of the last event a consumer group handled (0 once it has caught up with its stream)",
    labelNames: ["stream", "group"],
    registers: [registry],
  });
  return {
    outboxPublished: (domain, count) => published.inc({ domain }, count),
    outboxPublishFailed: (domain) => failed.inc({ domain }),
    outboxLag: (domain, seconds) => lag.set({ domain }, seconds),
    eventConsumed: (stream, group, type, outcome) => consumed.inc({ stream, group, type, outcome }),
    consumerLag: (stream, group, seconds) => consumerLag.set({ stream, group }, seconds),
  };
}

/** The process's event metrics: one registry, merged into each subgraph's /metrics. */
export const processEventRegistry = new Registry();
export const processEventMetrics: EventMetrics = prometheusEventMetrics(processEventRegistry);

/** Seconds since an event envelope's `occurredAt`, or null when it has none. */
export function eventAgeSeconds(raw: unknown, now = Date.now()): number | null {
  const occurredAt = (raw as { occurredAt?: unknown } | null | undefined)?.occurredAt;
  if (typeof occurredAt !== "string") return null;
  const time = Date.parse(occurredAt);
  return Number.isNaN(time) ? null : Math.max(0, (now - time) / 1000);
}
