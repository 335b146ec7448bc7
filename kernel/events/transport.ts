// One interface for the two transports: Redis Streams (several processes, `REDIS_URL`) and an in-process
// implementation with the same semantics (embedded mode), so the relay and the consumers run unchanged on
// either. The vocabulary is Redis Streams': a stream per producing domain, consumer groups, a pending list
// of delivered-but-unacknowledged entries per group, claiming of idle entries, and a dead-letter stream per
// consumer group.
import type { EventEnvelope } from "./registry.js";

/** One event as the relay hands it to a transport. */
export interface OutgoingEvent {
  /** The outbox sequence of the producing domain (increasing; gaps possible). */
  sequence: bigint;
  envelope: EventEnvelope;
}

/** One entry read from a stream by a consumer group. */
export interface Delivery {
  /** The transport's entry id (Redis stream id, e.g. `1732240000000-0`). */
  entryId: string;
  /** The raw envelope (JSON-decoded, not yet validated), or undefined when the entry is unreadable. */
  raw: unknown;
  sequence: bigint | null;
  /** How many times the group has delivered this entry (1 on first delivery). */
  deliveryCount: number;
}

export interface DeadLetter {
  /** Id of the dead-letter entry (use it to replay or discard). */
  entryId: string;
  /** The entry id in the source stream. */
  sourceEntryId: string;
  raw: unknown;
  sequence: bigint | null;
  attempts: number;
  /** Why the last attempt failed (message only; no stack, no payload). */
  error: string;
  failedAt: string;
}

export interface ReadOptions {
  count: number;
  /** How long to wait for new entries when there are none. */
  blockMs: number;
  signal?: AbortSignal;
}

export interface EventTransport {
  readonly kind: "redis" | "memory";
  /** Appends events to the domain's stream, in the given order, all or nothing. */
  publish(domain: string, events: readonly OutgoingEvent[]): Promise<void>;
  /**
   * Records (once) that this domain's stream exists on the transport; true when it was not recorded yet:
   * a fresh server, or one that restarted without its data (entries published before are gone). The relay
   * then publishes its recent rows again. Optional: transports that cannot lose data alone need not have it.
   */
  claimEpoch?(domain: string): Promise<boolean>;
  /** Creates the consumer group if missing (from the start of the stream, or only new entries). */
  ensureGroup(domain: string, group: string, startFrom: "beginning" | "latest"): Promise<void>;
  /** New entries for the group, delivered to `consumer` (they join the group's pending list). */
  read(domain: string, group: string, consumer: string, options: ReadOptions): Promise<Delivery[]>;
  /**
   * Takes over entries pending longer than `minIdleMs` (a crashed or stuck consumer's), in stream order.
   * Entries trimmed from the stream meanwhile are dropped from the pending list and returned as `lost`.
   */
  claimIdle(domain: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<{ deliveries: Delivery[]; lost: string[] }>;
  /** Resets the idle time of entries this consumer is still working on, so nobody claims them meanwhile. */
  touch(domain: string, group: string, consumer: string, entryIds: readonly string[]): Promise<void>;
  ack(domain: string, group: string, entryIds: readonly string[]): Promise<void>;
  /** Moves an entry to the group's dead-letter stream and acknowledges it, atomically. */
  deadLetter(domain: string, group: string, delivery: Delivery, failure: { attempts: number; error: string }): Promise<string>;
  /** Dead letters of a group, oldest first. */
  listDeadLetters(domain: string, group: string, options?: { count?: number; after?: string }): Promise<DeadLetter[]>;
  /** Removes a dead letter (after a successful replay), optionally re-filing it with a new failure. */
  removeDeadLetter(domain: string, group: string, entryId: string, refile?: DeadLetter): Promise<void>;
  /** Number of entries in a stream (for tests and metrics). */
  streamLength(domain: string): Promise<number>;
  /** Entries pending (delivered, not acknowledged) in a group. */
  pendingCount(domain: string, group: string): Promise<number>;
  close(): Promise<void>;
}

/** Stream names, shared by both transports: `<prefix>events:<domain>` and its dead letters per group. */
export const streamKey = (prefix: string, domain: string) => `${prefix}events:${domain}`;
export const deadLetterKey = (prefix: string, domain: string, group: string) => `${prefix}events:${domain}:dead:${group}`;

/** Entry fields, identical on both transports: the envelope as JSON and the outbox sequence. */
export function encodeEvent(event: OutgoingEvent): Record<string, string> {
  return { event: JSON.stringify(event.envelope), seq: event.sequence.toString() };
}

export function decodeEntry(entryId: string, fields: Record<string, string>, deliveryCount: number): Delivery {
  let raw: unknown;
  try {
    raw = fields.event === undefined ? undefined : JSON.parse(fields.event);
  } catch {
    raw = undefined;
  }
  const sequence = fields.seq && /^\d+$/.test(fields.seq) ? BigInt(fields.seq) : null;
  return { entryId, raw, sequence, deliveryCount };
}

export function encodeDeadLetter(delivery: Delivery, failure: { attempts: number; error: string }, failedAt = new Date()): Record<string, string> {
  return {
    source: delivery.entryId,
    event: JSON.stringify(delivery.raw ?? null),
    seq: delivery.sequence?.toString() ?? "",
    attempts: String(failure.attempts),
    error: failure.error.slice(0, 500),
    failedAt: failedAt.toISOString(),
  };
}

export function decodeDeadLetter(entryId: string, fields: Record<string, string>): DeadLetter {
  const delivery = decodeEntry(fields.source ?? "", fields, 0);
  return {
    entryId,
    sourceEntryId: fields.source ?? "",
    raw: delivery.raw,
    sequence: delivery.sequence,
    attempts: Number(fields.attempts ?? 0),
    error: fields.error ?? "",
    failedAt: fields.failedAt ?? "",
  };
}

/** Transport failures are retried by the caller with backoff; this marks them apart from handler failures. */
export class TransportError extends Error {
  override readonly name = "TransportError";
}
