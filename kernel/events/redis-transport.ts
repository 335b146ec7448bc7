// Redis Streams transport: one stream per producing domain (`<prefix>events:<domain>`, XADD with approximate
// MAXLEN trimming), consumer groups (XGROUP CREATE ... MKSTREAM, XREADGROUP), XAUTOCLAIM for entries of
// crashed consumers, and a dead-letter stream per consumer group. Commands fail fast while Redis is
// unreachable (no offline queue, a timeout per command), so callers back off instead of hanging.
import { createClient } from "redis";
import type { Logger } from "../logger.js";
import {
  TransportError,
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

type RedisClient = ReturnType<typeof createClient>;
type RawMessage = { id: string; message: Record<string, string> };

export interface RedisTransportOptions {
  url: string;
  prefix: string;
  logger: Logger;
  /** Approximate number of entries kept per domain stream (XADD MAXLEN ~). */
  streamMaxLength?: number;
  /** Approximate number of dead letters kept per group. */
  deadLetterMaxLength?: number;
  /** Longest wait for one command before it counts as failed. */
  commandTimeoutMs?: number;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransportError(`redis ${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    if (error instanceof TransportError) throw error;
    throw new TransportError(`redis ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

function destroyQuietly(client: RedisClient) {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

export class RedisEventTransport implements EventTransport {
  readonly kind = "redis" as const;
  private readonly client: RedisClient;
  /** Blocking XREADGROUP holds a connection: one per consumer. */
  private readonly readers = new Map<string, RedisClient>();
  /** XAUTOCLAIM cursors per stream and group, so each round continues the scan of the pending list. */
  private readonly claimCursors = new Map<string, string>();
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly streamMaxLength: number;
  private readonly deadLetterMaxLength: number;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: RedisTransportOptions) {
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.streamMaxLength = options.streamMaxLength ?? 1_000_000;
    this.deadLetterMaxLength = options.deadLetterMaxLength ?? 100_000;
    this.timeoutMs = options.commandTimeoutMs ?? 5_000;
    this.client = this.connect(createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000), connectTimeout: this.timeoutMs, keepAlive: true },
    }));
  }

  /** Connects in the background (retrying forever); commands fail fast until the connection is up. */
  private connect(client: RedisClient): RedisClient {
    let warned = false;
    client.on("error", (error: Error) => {
      if (!warned) this.logger.warn({ err: error.message }, "event transport: redis connection problem");
      warned = true;
    });
    client.on("ready", () => {
      if (warned) this.logger.info("event transport: redis connection restored");
      warned = false;
    });
    client
      .connect()
      // Closed while the connection was still coming up: destroying it before then does not stop it.
      .then(() => this.closed && destroyQuietly(client))
      .catch(() => undefined);
    return client;
  }

  /** Resolves once connected, or after `ms` (whichever first); commands decide success themselves. */
  async waitUntilReady(ms = 2_000, client: RedisClient = this.client): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!client.isReady && !this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return client.isReady;
  }

  private async run<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new TransportError("event transport is closed");
    // Just created or reconnecting: give the connection its timeout to come up, then the command fails fast.
    if (!this.client.isReady) await this.waitUntilReady(this.timeoutMs);
    return withTimeout(Promise.resolve().then(() => command(this.client)), this.timeoutMs, what);
  }

  async claimEpoch(domain: string): Promise<boolean> {
    // A marker key beside the stream: it vanishes with the data when Redis restarts empty (or is flushed).
    const reply = await this.run("SET NX", (client) => client.set(`${streamKey(this.prefix, domain)}:epoch`, new Date().toISOString(), { NX: true }));
    return reply === "OK";
  }

  async publish(domain: string, events: readonly OutgoingEvent[]) {
    if (events.length === 0) return;
    const key = streamKey(this.prefix, domain);
    await this.run("XADD", (client) => {
      // MULTI/EXEC: the batch lands whole, in order, in one round trip.
      const multi = client.multi();
      for (const event of events) {
        multi.xAdd(key, "*", encodeEvent(event), { TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: this.streamMaxLength } });
      }
      return multi.exec();
    });
  }

  async ensureGroup(domain: string, group: string, startFrom: "beginning" | "latest") {
    await this.run("XGROUP CREATE", async (client) => {
      try {
        await client.xGroupCreate(streamKey(this.prefix, domain), group, startFrom === "latest" ? "$" : "0", { MKSTREAM: true });
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
      }
    });
  }

  private async reader(consumerKey: string): Promise<RedisClient> {
    let reader = this.readers.get(consumerKey);
    if (!reader) {
      reader = this.connect(this.client.duplicate());
      this.readers.set(consumerKey, reader);
    }
    // A new (or reconnecting) connection gets a moment to come up before the first read is refused.
    await this.waitUntilReady(this.timeoutMs, reader);
    return reader;
  }

  async read(domain: string, group: string, consumer: string, options: ReadOptions): Promise<Delivery[]> {
    const consumerKey = `${domain}\u0000${group}\u0000${consumer}`;
    const reader = await this.reader(consumerKey);
    const abort = () => {
      // A blocked XREADGROUP cannot be cancelled: drop the connection (a new one is made on the next read).
      this.readers.delete(consumerKey);
      destroyQuietly(reader);
    };
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      if (this.closed || options.signal?.aborted) return [];
      const reply = (await withTimeout(
        reader.xReadGroup(group, consumer, { key: streamKey(this.prefix, domain), id: ">" }, { COUNT: options.count, BLOCK: options.blockMs }),
        options.blockMs + this.timeoutMs,
        "XREADGROUP",
      )) as { name: string; messages: RawMessage[] }[] | null;
      return (reply?.[0]?.messages ?? []).map((message) => decodeEntry(message.id, message.message, 1));
    } catch (error) {
      if (options.signal?.aborted) return [];
      throw error;
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
  }

  async claimIdle(domain: string, group: string, consumer: string, minIdleMs: number, count: number) {
    const key = streamKey(this.prefix, domain);
    const cursorKey = `${key}\u0000${group}`;
    const start = this.claimCursors.get(cursorKey) ?? "0-0";
    const reply = (await this.run("XAUTOCLAIM", (client) => client.xAutoClaim(key, group, consumer, minIdleMs, start, { COUNT: count }))) as {
      nextId: string;
      messages: (RawMessage | null)[];
      deletedMessages: string[];
    };
    this.claimCursors.set(cursorKey, reply.nextId);
    const claimed = reply.messages.filter((message): message is RawMessage => message !== null);
    const lost = [...reply.deletedMessages];
    if (claimed.length === 0) return { deliveries: [], lost };
    // XAUTOCLAIM does not return delivery counts; the pending list has them (already incremented).
    const counts = new Map<string, number>();
    const pending = await this.run("XPENDING", (client) =>
      client.xPendingRange(key, group, claimed[0]!.id, claimed[claimed.length - 1]!.id, claimed.length * 2, { consumer }),
    );
    for (const entry of pending) counts.set(entry.id, Number(entry.deliveriesCounter));
    return {
      deliveries: claimed.map((message) => decodeEntry(message.id, message.message, counts.get(message.id) ?? 2)),
      lost,
    };
  }

  async touch(domain: string, group: string, consumer: string, entryIds: readonly string[]) {
    if (entryIds.length === 0) return;
    await this.run("XCLAIM", (client) => client.xClaimJustId(streamKey(this.prefix, domain), group, consumer, 0, [...entryIds]));
  }

  async ack(domain: string, group: string, entryIds: readonly string[]) {
    if (entryIds.length === 0) return;
    await this.run("XACK", (client) => client.xAck(streamKey(this.prefix, domain), group, [...entryIds]));
  }

  async deadLetter(domain: string, group: string, delivery: Delivery, failure: { attempts: number; error: string }) {
    const replies = await this.run("dead letter", (client) =>
      client
        .multi()
        .xAdd(deadLetterKey(this.prefix, domain, group), "*", encodeDeadLetter(delivery, failure), {
          TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: this.deadLetterMaxLength },
        })
        .xAck(streamKey(this.prefix, domain), group, delivery.entryId)
        .exec(),
    );
    return String(replies[0]);
  }

  async listDeadLetters(domain: string, group: string, options: { count?: number; after?: string } = {}): Promise<DeadLetter[]> {
    const entries = (await this.run("XRANGE", (client) =>
      client.xRange(deadLetterKey(this.prefix, domain, group), options.after ? `(${options.after}` : "-", "+", { COUNT: options.count ?? 100 }),
    )) as RawMessage[] | null;
    return (entries ?? []).map((entry) => decodeDeadLetter(entry.id, entry.message));
  }

  async removeDeadLetter(domain: string, group: string, entryId: string, refile?: DeadLetter) {
    const key = deadLetterKey(this.prefix, domain, group);
    await this.run("dead letter removal", (client) => {
      const multi = client.multi().xDel(key, entryId);
      if (refile) {
        const delivery = { entryId: refile.sourceEntryId, raw: refile.raw, sequence: refile.sequence, deliveryCount: 0 };
        multi.xAdd(key, "*", encodeDeadLetter(delivery, refile));
      }
      return multi.exec();
    });
  }

  async streamLength(domain: string) {
    return Number(await this.run("XLEN", (client) => client.xLen(streamKey(this.prefix, domain))));
  }

  async pendingCount(domain: string, group: string) {
    const summary = await this.run("XPENDING", (client) => client.xPending(streamKey(this.prefix, domain), group));
    return Number(summary.pending);
  }

  async close() {
    this.closed = true;
    for (const reader of this.readers.values()) destroyQuietly(reader);
    this.readers.clear();
    if (this.client.isReady) await this.client.quit().catch(() => destroyQuietly(this.client));
    else destroyQuietly(this.client);
  }
}
