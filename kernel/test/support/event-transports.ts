// What the event delivery tests share: both transports (real Redis Streams, and the in-process one of
// embedded mode), each behind a prefix of its own that is removed afterwards, and the consumers of the
// ledger's deposits a test starts (stopped after each test, their outcomes counted).
import { after, afterEach, before } from "node:test";
import { randomBytes } from "node:crypto";
import type { Logger } from "../../logger.js";
import { createDatabase, type Database } from "../../db.js";
import { MemoryEventTransport, RedisEventTransport, type ConsumeOutcome, type EventTransport } from "../../events/index.js";
import { createEventConsumer, type EventHandler } from "#domain/events.js";
import { createTestDatabase, deleteRedisKeys, TEST_REDIS_URL, type TestDatabase } from "../../../test/support/stack.js";

/**
 * A migrated test database of the file's own with the consumers' effects table (`tableSql`) in it, handed to
 * `opened` once there; closed and dropped after the file.
 */
export function useEffectsDatabase(tableSql: string, opened: (store: { database: TestDatabase; db: Database }) => void): void {
  let database: TestDatabase | undefined;
  let db: Database | undefined;
  before(async () => {
    database = await createTestDatabase();
    db = createDatabase({ url: database.url, poolSize: 6 });
    await db.pool.query(tableSql);
    opened({ database, db });
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });
}

export interface TransportCase {
  name: string;
  create(prefix: string, logger: Logger): EventTransport;
  cleanup(prefix: string): Promise<void>;
}

export const TRANSPORTS: TransportCase[] = [
  {
    name: "redis streams",
    create: (prefix, logger) => new RedisEventTransport({ url: TEST_REDIS_URL, prefix, logger, commandTimeoutMs: 2_000 }),
    cleanup: async (prefix) => void (await deleteRedisKeys(TEST_REDIS_URL, prefix)),
  },
  { name: "in-process", create: (prefix) => new MemoryEventTransport({ prefix }), cleanup: async () => undefined },
];

export type Outcomes = Record<ConsumeOutcome, number>;
type ConsumerOptions = Parameters<typeof createEventConsumer<"ledger">>[0];
type Startable = { start(): void; stop(): Promise<void> };

/**
 * Registers, in the calling `describe`, a transport of `transportCase` for its tests (named `<prefix><random>:`)
 * and returns it with `start` (a relay or consumer stopped after the test) and `consumer` (a reporting
 * consumer of the ledger stream with the tests' quick timings, counting its outcomes).
 */
export function useEventTransport(transportCase: TransportCase, settings: { prefix: string; db: () => Database; logger: Logger; consumer?: Partial<ConsumerOptions> }) {
  let prefix: string;
  let transport: EventTransport | undefined;
  const running: Startable[] = [];

  before(() => {
    prefix = `${settings.prefix}${randomBytes(4).toString("hex")}:`;
    transport = transportCase.create(prefix, settings.logger);
  });
  // Relays and consumers of one test never outlive it (a leftover leader would publish the next test's rows).
  afterEach(async () => {
    await Promise.all(running.splice(0).map((thing) => thing.stop()));
  });
  after(async () => {
    await transport?.close();
    if (prefix) await transportCase.cleanup(prefix);
  });

  const current = (): EventTransport => {
    if (!transport) throw new Error("the transport is used before its before() hook ran");
    return transport;
  };
  const start = <T extends Startable>(thing: T): T => {
    running.push(thing);
    thing.start();
    return thing;
  };
  return {
    get transport(): EventTransport {
      return current();
    },
    start,
    /** Forgets a relay or consumer (one that cannot stop, e.g. stuck in a "crashed" acknowledgement). */
    forget(thing: Startable) {
      running.splice(running.indexOf(thing), 1);
    },
    consumer(group: string, handler: EventHandler<"ledger.deposit.posted">, overrides: Partial<ConsumerOptions> = {}) {
      const outcomes: Outcomes = { processed: 0, duplicate: 0, ignored: 0, retried: 0, dead_lettered: 0, lost: 0 };
      const instance = start(
        createEventConsumer({
          transport: current(), source: "ledger", domain: "reporting", group, prisma: settings.db().prisma, logger: settings.logger,
          handlers: { "ledger.deposit.posted": handler },
          blockMs: 200, retryBaseMs: 20, claimIdleMs: 60_000,
          metrics: { eventConsumed: (_stream, _group, _type, outcome) => void (outcomes[outcome] += 1) },
          ...settings.consumer,
          ...overrides,
        }),
      );
      return Object.assign(instance, { outcomes });
    },
  };
}
