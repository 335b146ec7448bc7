// The event backbone (docs/events.md): envelope and registry, outbox writer, relay, transports, consumers.

export * from "./registry.js";
export * from "./outbox.js";
export * from "./relay.js";
export * from "./consumer.js";
export * from "./transport.js";
export * from "./metrics.js";
export * from "./config.js";
export { MemoryEventTransport, sharedMemoryTransport } from "./memory-transport.js";
export { RedisEventTransport } from "./redis-transport.js";
export * from "./runtime.js";
