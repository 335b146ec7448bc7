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

export type EventsRuntimeConfig = EventsConfig & {
  DATABASE_URL: string;
  REDIS_URL?: string | undefined;
  REDIS_KEY_PREFIX: string;
  NODE_ENV?: string | undefined;
};

let singleProcessPlatform = false;

/**
 * Declares that every producer and consumer runs in this one process (`npm start`, scripts/start.ts), where the
 * in-process transport connects them. A service started alone (its main.ts) in production has no such peer:
 * without REDIS_URL its events would never leave the process, so it refuses to start.
 */
export function allowInProcessTransport(): void {
  singleProcessPlatform = true;
}

/** Why this service may not use the in-process transport, or null when it may. */
export function inProcessTransportProblem(config: Pick<EventsRuntimeConfig, "REDIS_URL" | "NODE_ENV">): string | null {
  if (config.REDIS_URL || singleProcessPlatform || config.NODE_ENV !== "production") return null;
  return "REDIS_URL is missing: a service that emits or consumes events and runs alone in production needs Redis (the in-process transport only connects the services of one `npm start` process)";
}

/**
 * A transport owned by one service: its own Redis connection (closed with the service), or the process-wide
 * in-process transport (shared by every service of `npm start`, never closed by one of them).
 */
export function openServiceTransport(config: EventsRuntimeConfig, logger: Logger): { transport: EventTransport; close(): Promise<void> } {
  const problem = inProcessTransportProblem(config);
  if (problem) throw new Error(problem);
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
