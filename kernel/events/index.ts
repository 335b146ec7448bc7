// The event backbone (docs/events.md): envelope and registry, outbox writer, relay, transports, consumers.
import type { Logger } from "../logger.js";
import { sharedMemoryTransport } from "./memory-transport.js";
import { RedisEventTransport } from "./redis-transport.js";
import type { EventTransport } from "./transport.js";

export * from "./registry.js";
export * from "./catalog.js";
export * from "./outbox.js";
export * from "./relay.js";
export * from "./consumer.js";
export * from "./transport.js";
export * from "./metrics.js";
export * from "./config.js";
export { MemoryEventTransport, sharedMemoryTransport } from "./memory-transport.js";
export { RedisEventTransport } from "./redis-transport.js";

/**
 * Redis Streams when REDIS_URL is set (several processes share the streams), else the process-wide
 * in-process transport (embedded mode: every service runs in this process).
 */
export function createEventTransport(options: { url?: string; prefix: string; logger: Logger; streamMaxLength?: number }): EventTransport {
  if (!options.url) return sharedMemoryTransport();
  return new RedisEventTransport({ url: options.url, prefix: options.prefix, logger: options.logger, streamMaxLength: options.streamMaxLength });
}
export * from "./runtime.js";
