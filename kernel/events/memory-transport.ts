// The in-process transport of embedded mode (`npm start` without REDIS_URL): Redis Streams semantics
// (entry ids, consumer groups, pending lists with delivery counts, claiming idle entries, dead letters)
// held in memory. Everything runs in one process there, so one instance is shared by all services.
import {
  decodeDeadLetter,
  decodeEntry,
  deadLetterKey,
  encodeDeadLetter,
  encodeEvent,
  streamKey,
  type DeadLetter,
  type Delivery,
  type EventTransport,
  type OutgoingEvent,
  type ReadOptions,
} from "./transport.js";

interface Entry {
  id: string;
  fields: Record<string, string>;
}

interface Pending {
  consumer: string;
  deliveredAt: number;
  count: number;
}

interface Group {
  lastDelivered: string;
  pending: Map<string, Pending>;
}

interface Stream {
  entries: Entry[];
  last: [number, number];
  groups: Map<string, Group>;
  waiters: Set<() => void>;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}

export interface MemoryTransportOptions {
  prefix?: string;
  /** Entries kept per stream (the oldest are trimmed), like Redis `MAXLEN`. */
  maxLength?: number;
}

export class MemoryEventTransport implements EventTransport {
  readonly kind = "memory" as const;
  private readonly streams = new Map<string, Stream>();
  private readonly prefix: string;
  private readonly maxLength: number;

  constructor(options: MemoryTransportOptions = {}) {
    this.prefix = options.prefix ?? "";
    // Held in this process's memory: a smaller window than Redis keeps by default.
    this.maxLength = options.maxLength ?? 100_000;
  }

  private stream(key: string): Stream {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { entries: [], last: [0, 0], groups: new Map(), waiters: new Set() };
      this.streams.set(key, stream);
    }
    return stream;
  }

  private append(stream: Stream, fields: Record<string, string>): string {
    const now = Date.now();
    const [lastMs, lastSeq] = stream.last;
    stream.last = now > lastMs ? [now, 0] : [lastMs, lastSeq + 1];
    const id = `${stream.last[0]}-${stream.last[1]}`;
    stream.entries.push({ id, fields });
    return id;
  }

  private trim(stream: Stream, maxLength: number) {
    if (stream.entries.length > maxLength) stream.entries.splice(0, stream.entries.length - maxLength);
  }

  /** Index of the first entry with an id greater than `id` (entries are sorted by id). */
  private firstAfter(stream: Stream, id: string): number {
    let low = 0;
    let high = stream.entries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareIds(stream.entries[middle]!.id, id) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private find(stream: Stream, id: string): Entry | undefined {
    const entry = stream.entries[this.firstAfter(stream, id) - 1];
    return entry?.id === id ? entry : undefined;
  }

  private group(domain: string, group: string): Group {
    const found = this.stream(streamKey(this.prefix, domain)).groups.get(group);
    if (!found) throw new Error(`NOGROUP consumer group ${group} does not exist on ${domain}`);
    return found;
  }

  async publish(domain: string, events: readonly OutgoingEvent[]) {
    const stream = this.stream(streamKey(this.prefix, domain));
    for (const event of events) this.append(stream, encodeEvent(event));
    this.trim(stream, this.maxLength);
    for (const wake of [...stream.waiters]) wake();
  }

  async ensureGroup(domain: string, group: string, startFrom: "beginning" | "latest") {
    const stream = this.stream(streamKey(this.prefix, domain));
    if (stream.groups.has(group)) return;
    const lastDelivered = startFrom === "latest" ? `${stream.last[0]}-${stream.last[1]}` : "0-0";
    stream.groups.set(group, { lastDelivered, pending: new Map() });
  }

  async read(domain: string, group: string, consumer: string, options: ReadOptions): Promise<Delivery[]> {
    const stream = this.stream(streamKey(this.prefix, domain));
    const state = this.group(domain, group);
    const take = () => {
      const start = this.firstAfter(stream, state.lastDelivered);
      const fresh = stream.entries.slice(start, start + options.count);
      const now = Date.now();
      for (const entry of fresh) {
        state.pending.set(entry.id, { consumer, deliveredAt: now, count: 1 });
        state.lastDelivered = entry.id;
      }
      return fresh.map((entry) => decodeEntry(entry.id, entry.fields, 1));
    };
    const ready = take();
    if (ready.length > 0 || options.blockMs <= 0 || options.signal?.aborted) return ready;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stream.waiters.delete(done);
        options.signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, options.blockMs);
      stream.waiters.add(done);
      options.signal?.addEventListener("abort", done);
    });
    return take();
  }

  async claimIdle(domain: string, group: string, consumer: string, minIdleMs: number, count: number) {
    const stream = this.stream(streamKey(this.prefix, domain));
    const state = this.group(domain, group);
    const now = Date.now();
    const deliveries: Delivery[] = [];
    const lost: string[] = [];
    const ids = [...state.pending.keys()].sort(compareIds);
    for (const id of ids) {
      if (deliveries.length >= count) break;
      const pending = state.pending.get(id)!;
      if (now - pending.deliveredAt < minIdleMs) continue;
      const entry = this.find(stream, id);
      if (!entry) {
        state.pending.delete(id);
        lost.push(id);
        continue;
      }
      pending.consumer = consumer;
      pending.deliveredAt = now;
      pending.count += 1;
      deliveries.push(decodeEntry(id, entry.fields, pending.count));
    }
    return { deliveries, lost };
  }

  async touch(domain: string, group: string, consumer: string, entryIds: readonly string[]) {
    const state = this.group(domain, group);
    for (const id of entryIds) {
      const pending = state.pending.get(id);
      if (pending) Object.assign(pending, { consumer, deliveredAt: Date.now() });
    }
  }

  async ack(domain: string, group: string, entryIds: readonly string[]) {
    const state = this.group(domain, group);
    for (const id of entryIds) state.pending.delete(id);
  }

  async deadLetter(domain: string, group: string, delivery: Delivery, failure: { attempts: number; error: string }) {
    const dead = this.stream(deadLetterKey(this.prefix, domain, group));
    const id = this.append(dead, encodeDeadLetter(delivery, failure));
    this.trim(dead, 100_000);
    this.group(domain, group).pending.delete(delivery.entryId);
    return id;
  }

  async listDeadLetters(domain: string, group: string, options: { count?: number; after?: string } = {}): Promise<DeadLetter[]> {
    const dead = this.stream(deadLetterKey(this.prefix, domain, group));
    const start = options.after ? this.firstAfter(dead, options.after) : 0;
    return dead.entries
      .slice(start, start + (options.count ?? 100))
      .map((entry) => decodeDeadLetter(entry.id, entry.fields));
  }

  async removeDeadLetter(domain: string, group: string, entryId: string, refile?: DeadLetter) {
    const dead = this.stream(deadLetterKey(this.prefix, domain, group));
    const index = dead.entries.findIndex((entry) => entry.id === entryId);
    if (index >= 0) dead.entries.splice(index, 1);
    if (refile) {
      const delivery = { entryId: refile.sourceEntryId, raw: refile.raw, sequence: refile.sequence, deliveryCount: 0 };
      this.append(dead, encodeDeadLetter(delivery, refile));
    }
  }

  async streamLength(domain: string) {
    return this.stream(streamKey(this.prefix, domain)).entries.length;
  }

  async pendingCount(domain: string, group: string) {
    return this.group(domain, group).pending.size;
  }

  async close() {
    for (const stream of this.streams.values()) for (const wake of [...stream.waiters]) wake();
  }
}

let shared: MemoryEventTransport | undefined;

/** The process-wide in-process transport: the relays and consumers of all services in one process share it. */
export function sharedMemoryTransport(): MemoryEventTransport {
  shared ??= new MemoryEventTransport({ prefix: "" });
  return shared;
}
