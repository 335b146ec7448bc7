// Configuration of the event backbone as a zod fragment: a subgraph merges it into its own schema
// (`subgraphBaseConfig.extend(eventsConfigShape)`), so bad values are reported with the rest at start.
import { z } from "zod";
import type { EventConsumerOptions } from "./consumer.js";
import type { OutboxRelayOptions } from "./relay.js";
import type { DefinitionMap, ProducerDomain } from "./registry.js";

const milliseconds = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const eventsConfigShape = {
  /** Relay: how often an idle relay looks for new outbox rows (NOTIFY wakes it sooner on real Postgres). */
  EVENTS_POLL_INTERVAL_MS: milliseconds(250, 10, 60_000),
  /** Relay: rows published per batch. */
  EVENTS_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
  /** Relay: published outbox rows are deleted after this many hours (0 keeps them). */
  EVENTS_OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(0).max(24 * 365).default(168),
  /** Consumers: attempts before an event goes to the dead-letter stream. */
  EVENTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Consumers: first retry delay; doubles per attempt up to EVENTS_RETRY_MAX_MS. */
  EVENTS_RETRY_BASE_MS: milliseconds(200, 1, 60_000),
  EVENTS_RETRY_MAX_MS: milliseconds(30_000, 10, 3_600_000),
  /** Consumers: entries read (and applied in one database transaction) at a time; 1 = one transaction per event. */
  EVENTS_CONSUMER_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(50),
  /** Consumers: pending events idle this long are taken over from a crashed consumer. */
  EVENTS_CLAIM_IDLE_MS: milliseconds(30_000, 100, 3_600_000),
  /** Transport: approximate number of events kept per domain stream (Redis MAXLEN ~). */
  EVENTS_STREAM_MAXLEN: z.coerce.number().int().min(1_000).max(100_000_000).default(1_000_000),
} as const;

export const eventsConfig = z.object(eventsConfigShape);
export type EventsConfig = z.infer<typeof eventsConfig>;

/** Relay settings from the parsed configuration. */
export function relaySettings(config: EventsConfig): Pick<OutboxRelayOptions, "pollIntervalMs" | "batchSize" | "retentionMs"> {
  return {
    pollIntervalMs: config.EVENTS_POLL_INTERVAL_MS,
    batchSize: config.EVENTS_BATCH_SIZE,
    retentionMs: config.EVENTS_OUTBOX_RETENTION_HOURS * 3600_000,
  };
}

/** Consumer settings from the parsed configuration. */
export function consumerSettings(
  config: EventsConfig,
): Pick<EventConsumerOptions<DefinitionMap, ProducerDomain>, "maxAttempts" | "retryBaseMs" | "retryMaxMs" | "claimIdleMs" | "batchSize"> {
  return {
    batchSize: config.EVENTS_CONSUMER_BATCH_SIZE,
    maxAttempts: config.EVENTS_MAX_ATTEMPTS,
    retryBaseMs: config.EVENTS_RETRY_BASE_MS,
    retryMaxMs: Math.max(config.EVENTS_RETRY_MAX_MS, config.EVENTS_RETRY_BASE_MS),
    claimIdleMs: config.EVENTS_CLAIM_IDLE_MS,
  };
}
