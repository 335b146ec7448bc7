// Live fan-out for subscriptions: a message published by one process reaches every process listening on the
// channel. With REDIS_URL it is Redis pub/sub (one publishing connection and one dedicated subscriber
// connection per process, channels under REDIS_KEY_PREFIX), so a subscriber connected to any replica gets
// events caused anywhere; without it (embedded `npm start`) an in-process EventEmitter shared by the services.
// Pub/sub is fire-and-forget by design: it carries "this just committed" to live sockets. What must not be
// lost is in the database first (the notification row) and readable by query; the live push is best effort.
// Each Redis channel is subscribed once per process however many local listeners it has (reference counted).
import { EventEmitter } from "node:events";
import { createClient } from "redis";
import type { Logger } from "./logger.js";

type RedisClient = ReturnType<typeof createClient>;

export type PubSubListener = (message: unknown) => void;

export interface PubSub {
  readonly kind: "redis" | "memory";
  /** Publishes a JSON-serialisable message on `channel` (to every process, this one included). */
  publish(channel: string, message: unknown): Promise<void>;
  /** Calls `listener` for each message on `channel` until the returned function is called. */
  listen(channel: string, listener: PubSubListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Messages buffered per live iterator before the oldest are dropped (a stalled consumer cannot grow memory). */
export const LIVE_QUEUE_LIMIT = 256;

/**
 * The messages of `channel` as an async iterator (a subscription resolver's `subscribe`): buffered up to
 * LIVE_QUEUE_LIMIT, oldest dropped beyond; `return()` (client gone) stops listening.
 */
export function liveIterator<T>(pubsub: PubSub, channel: string, map: (message: unknown) => T | null, onDrop?: () => void): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let done = false;
  let unlisten: (() => Promise<void>) | null = null;
  const ready = pubsub.listen(channel, (message) => {
    const value = map(message);
    if (value === null || done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value, done: false });
      return;
    }
    queue.push(value);
    if (queue.length > LIVE_QUEUE_LIMIT) {
      queue.shift();
      onDrop?.();
    }
  });
  void ready.then((stop) => {
    if (done) void stop();
    else unlisten = stop;
  });
  const finish = async (): Promise<IteratorResult<T>> => {
    done = true;
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = null;
    if (unlisten) await unlisten();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      await ready;
      if (done) return { value: undefined, done: true };
      const value = queue.shift();
      if (value !== undefined) return { value, done: false };
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: finish,
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

class MemoryPubSub implements PubSub {
  readonly kind = "memory" as const;
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: unknown) {
    // Through JSON, as over Redis: listeners never share (or mutate) the publisher's object.
    const copy: unknown = JSON.parse(JSON.stringify(message));
    setImmediate(() => this.emitter.emit(channel, copy));
  }

  async listen(channel: string, listener: PubSubListener) {
    this.emitter.on(channel, listener);
    return async () => void this.emitter.off(channel, listener);
  }

  async close() {}
}

class RedisPubSub implements PubSub {
  readonly kind = "redis" as const;
  private readonly listeners = new Map<string, Set<PubSubListener>>();

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async publish(channel: string, message: unknown) {
    await this.publisher.publish(this.prefix + channel, JSON.stringify(message));
  }

  async listen(channel: string, listener: PubSubListener) {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      const local = set;
      await this.subscriber.subscribe(this.prefix + channel, (raw) => {
        let message: unknown;
        try {
          message = JSON.parse(raw);
        } catch {
          this.logger.warn({ channel }, "unreadable pub/sub message dropped");
          return;
        }
        for (const each of local) each(message);
      });
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      await this.subscriber.unsubscribe(this.prefix + channel).catch(() => undefined);
    };
  }

  async close() {
    await Promise.all([this.publisher.quit().catch(() => undefined), this.subscriber.quit().catch(() => undefined)]);
  }
}

const memory = new MemoryPubSub();

/** Redis pub/sub when `url` is set (two connections, closed by `close()`), else the process-wide emitter. */
export async function createPubSub(options: { url?: string | undefined; prefix: string; logger: Logger }): Promise<PubSub> {
  if (!options.url) return memory;
  const publisher: RedisClient = createClient({
    url: options.url,
    socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) },
  });
  publisher.on("error", (error: Error) => options.logger.warn({ err: error.message }, "redis pub/sub connection problem"));
  const subscriber = publisher.duplicate();
  subscriber.on("error", (error: Error) => options.logger.warn({ err: error.message }, "redis pub/sub connection problem"));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  return new RedisPubSub(publisher, subscriber, options.prefix, options.logger);
}
