// Running the backbone inside a service process: the configuration fragment every producing or consuming
// subgraph merges into its own, and helpers that start a relay (producers) or consumers (notifications,
// later audit and reporting) and stop them cleanly with the service.
import { z } from "zod";
import { redisUrl } from "../config.js";
import type { Logger } from "../logger.js";
import { sharedMemoryTransport } from "./memory-transport.js";
import { RedisEventTransport } from "./redis-transport.js";
import { eventsConfigShape, relaySettings, type EventsConfig } from "./config.js";
import { createOutboxRelay, type OutboxRelay } from "./relay.js";
import type { ProducerDomain } from "./registry.js";
import type { EventTransport } from "./transport.js";

/** `EVENTS_*` plus the transport: Redis Streams when REDIS_URL is set, else the in-process transport. */
export const eventsRuntimeConfigShape = {
  ...eventsConfigShape,
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z.string().default("fedbank:"),
} as const;

export type EventsRuntimeConfig = EventsConfig & { DATABASE_URL: string; REDIS_URL?: string | undefined; REDIS_KEY_PREFIX: string };

/**
 * A transport owned by one service: its own Redis connection (closed with the service), or the process-wide
 * in-process transport (shared by every service of `npm start`, never closed by one of them).
 */
export function openServiceTransport(config: EventsRuntimeConfig, logger: Logger): { transport: EventTransport; close(): Promise<void> } {
  if (!config.REDIS_URL) return { transport: sharedMemoryTransport(), close: async () => undefined };
  const transport = new RedisEventTransport({
    url: config.REDIS_URL,
    prefix: config.REDIS_KEY_PREFIX,
    logger,
    streamMaxLength: config.EVENTS_STREAM_MAXLEN,
  });
  return { transport, close: () => transport.close() };
}

/** The outbox relay of a producing domain, started; `stop()` releases the lock and closes the transport. */
export function startServiceRelay(config: EventsRuntimeConfig, domain: ProducerDomain, logger: Logger): OutboxRelay {
  const { transport, close } = openServiceTransport(config, logger);
  const relay = createOutboxRelay({ databaseUrl: config.DATABASE_URL, domain, transport, logger, ...relaySettings(config) });
  relay.start();
  return {
    ...relay,
    start: () => relay.start(),
    wake: () => relay.wake(),
    status: () => relay.status(),
    async stop(graceMs?: number) {
      await relay.stop(graceMs);
      await close();
    },
  };
}
