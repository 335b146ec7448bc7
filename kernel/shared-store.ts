// Small shared key-value state for security features (session revocation, login throttling, and later
// rate limits): Redis when REDIS_URL is set, so every router and users replica sees the same state; an
// in-process store otherwise (`npm start` runs everything in one process, so it is shared there too).
import { createClient } from "redis";

type RedisClient = ReturnType<typeof createClient>;
import type { Logger } from "./logger.js";

export interface SharedStore {
  readonly kind: "redis" | "memory";
  /** Values of several keys in one round trip (null where absent or expired). */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Increments a counter, starting its expiry on first increment; returns the new value. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Fixed-window counters (rate limits): adds `amount` to each bucket, starting its window on first use,
   * all in one atomic round trip; returns each bucket's new count and the milliseconds until it resets.
   * Throws at once when the store is not connected (the caller applies its failure policy).
   */
  consume(buckets: readonly CounterBucket[]): Promise<CounterState[]>;
  /**
   * `consume`, plus the values of `keys` (null where absent), in the same single round trip: the router
   * checks session revocation with its rate limits this way (one Redis call per request).
   */
  consumeAndGet(buckets: readonly CounterBucket[], keys: readonly string[]): Promise<{ states: CounterState[]; values: (string | null)[] }>;
}

export interface CounterBucket {
  key: string;
  amount: number;
  windowMs: number;
}

export interface CounterState {
  count: number;
  resetMs: number;
}

/**
 * INCRBY per bucket over the first ARGV[1] keys, the window (PEXPIRE) set when a key is new or has lost its
 * expiry; then GET of the remaining keys (false → nil in the reply). One script call serves `consume` (no
 * keys to read) and `consumeAndGet`.
 */
const CONSUME_AND_GET_SCRIPT = `
local buckets = tonumber(ARGV[1])
local result = {}
for index = 1, buckets do
  local key = KEYS[index]
  local amount = tonumber(ARGV[index * 2])
  local window = tonumber(ARGV[index * 2 + 1])
  local count = redis.call('INCRBY', key, amount)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  result[index * 2 - 1] = count
  result[index * 2] = ttl
end
for index = buckets + 1, #KEYS do
  result[buckets + index] = redis.call('GET', KEYS[index])
end
return result
`;

class MemoryStore implements SharedStore {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async getMany(keys: readonly string[]) {
    return keys.map((key) => this.read(key));
  }

  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async delete(key: string) {
    this.entries.delete(key);
  }

  async increment(key: string, ttlSeconds: number) {
    const current = this.read(key);
    const next = (current === null ? 0 : Number(current)) + 1;
    const expiresAt = current === null ? Date.now() + ttlSeconds * 1000 : this.entries.get(key)!.expiresAt;
    this.entries.set(key, { value: String(next), expiresAt });
    return next;
  }

  async consume(buckets: readonly CounterBucket[]) {
    const now = Date.now();
    return buckets.map(({ key, amount, windowMs }) => {
      const entry = this.entries.get(key);
      if (!entry || entry.expiresAt <= now) {
        this.entries.set(key, { value: String(amount), expiresAt: now + windowMs });
        return { count: amount, resetMs: windowMs };
      }
      const count = Number(entry.value) + amount;
      entry.value = String(count);
      return { count, resetMs: entry.expiresAt - now };
    });
  }

  async consumeAndGet(buckets: readonly CounterBucket[], keys: readonly string[]) {
    return { states: await this.consume(buckets), values: keys.map((key) => this.read(key)) };
  }

  /** Drops expired entries (a store used only for counters never reads them back to expire them). */
  sweep() {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  async ping() {}
  async close() {}
}

class RedisStore implements SharedStore {
  readonly kind = "redis" as const;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async getMany(keys: readonly string[]) {
    if (keys.length === 0) return [];
    return (await this.client.mGet(keys.map((key) => this.prefix + key))) as (string | null)[];
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await this.client.set(this.prefix + key, value, { expiration: { type: "EX", value: Math.max(1, Math.ceil(ttlSeconds)) } });
  }

  async delete(key: string) {
    await this.client.del(this.prefix + key);
  }

  async increment(key: string, ttlSeconds: number) {
    const [count] = (await this.client
      .multi()
      .incr(this.prefix + key)
      .expire(this.prefix + key, Math.max(1, Math.ceil(ttlSeconds)), "NX")
      .exec()) as unknown as [number, number];
    return Number(count);
  }

  async consume(buckets: readonly CounterBucket[]) {
    if (buckets.length === 0) return [];
    return (await this.consumeAndGet(buckets, [])).states;
  }

  async consumeAndGet(buckets: readonly CounterBucket[], keys: readonly string[]) {
    // Not connected: fail now rather than queue behind the reconnection (the caller's policy decides).
    if (!this.client.isReady) throw new Error("redis not connected");
    const reply = (await this.client.eval(CONSUME_AND_GET_SCRIPT, {
      keys: [...buckets.map((bucket) => this.prefix + bucket.key), ...keys.map((key) => this.prefix + key)],
      arguments: [String(buckets.length), ...buckets.flatMap((bucket) => [String(bucket.amount), String(Math.max(1, Math.ceil(bucket.windowMs)))])],
    })) as (number | string | null)[];
    return {
      states: buckets.map((_, index) => ({ count: Number(reply[index * 2]), resetMs: Number(reply[index * 2 + 1]) })),
      values: keys.map((_, index) => {
        const value = reply[buckets.length * 2 + index];
        return value === null || value === undefined ? null : String(value);
      }),
    };
  }

  async ping() {
    await this.client.ping();
  }

  async close() {
    await this.client.quit().catch(() => undefined);
  }
}

/** A private in-memory store (e.g. the router's local rate limiter used while Redis is unreachable). */
export function createMemoryStore(): SharedStore & { sweep(): void } {
  return new MemoryStore();
}

/** The process-wide in-memory store: one per process, so the router and users service share it. */
const memoryStore = new MemoryStore();

export async function createSharedStore(options: { url?: string; prefix: string; logger: Logger }): Promise<SharedStore> {
  if (!options.url) return memoryStore;
  const client: RedisClient = createClient({
    url: options.url,
    socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) },
  });
  client.on("error", (error: Error) => options.logger.warn({ err: error.message }, "redis connection problem"));
  await client.connect();
  return new RedisStore(client, options.prefix);
}
