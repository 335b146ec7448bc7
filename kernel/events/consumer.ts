// Event consumers: a consumer group on one producing domain's stream. Delivery is at-least-once; handling is
// exactly-once in effect, because the handlers run in a database transaction that also records the event ids
// in the consuming domain's `processed_events` table (a redelivered event finds its id there and is only
// acknowledged). The entries of one read are handled together, in stream order, in ONE transaction (one
// multi-row processed_events insert tells which are new) and acknowledged with one XACK; when a handler
// fails, the events before it are committed without it, the failing one is retried alone with exponential
// backoff (after `maxAttempts` it moves to the group's dead-letter stream, from which it can be listed and
// replayed), and the rest follow. Entries left pending by a crashed consumer are claimed by another after
// `claimIdleMs`. The transactions run on kernel/db.ts's raw pg pool (withSqlTransaction): a Prisma interactive
// transaction and its raw statements cost several times the CPU, paid for every event (bench:ledger profile).
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { rawPoolOf, withSqlTransaction, type PrismaClient, type SqlTransaction } from "../db.js";
import type { Logger } from "../logger.js";
import { eventAgeSeconds, processEventMetrics, type EventMetrics } from "./metrics.js";
import { EventSchemaError, type ConsumerDomain, type DefinitionMap, type EventOf, type EventRegistry, type StreamDomain } from "./registry.js";
import type { DeadLetter, Delivery, EventTransport } from "./transport.js";

/** The processed-events table of each consuming domain (fixed identifiers). */
export const PROCESSED_EVENT_TABLES: Readonly<Record<ConsumerDomain, string>> = {
  notifications: `"notifications"."processed_events"`,
  audit: `"audit"."processed_events"`,
  reporting: `"reporting"."processed_events"`,
};

/**
 * What a handler runs its statements on: the batch's open transaction (kernel/db.ts SqlTransaction), and
 * `afterCommit` for work that must wait until the transaction committed (e.g. pushing what it created live).
 */
export interface ConsumerTx extends SqlTransaction {
  /** Runs `callback` once the batch's transaction has committed (never when it rolls back). */
  afterCommit(callback: () => Promise<void> | void): void;
}

/** What a handler receives besides the event: the delivery's transport metadata. */
export interface DeliveryInfo {
  entryId: string;
  /** The producer's outbox sequence (per domain, increasing in commit order per aggregate). */
  sequence: bigint | null;
  deliveryCount: number;
}

/** Any event of a catalogue `Defs`, its payload typed by its type. */
export type AnyEventOf<Defs extends DefinitionMap, Type extends keyof Defs & string = keyof Defs & string> = {
  [T in Type]: EventOf<Defs, T>;
}[Type];
export type EventHandler<Defs extends DefinitionMap, Type extends keyof Defs & string> = (
  event: AnyEventOf<Defs, Type>,
  tx: ConsumerTx,
  delivery: DeliveryInfo,
) => Promise<void>;
export type EventHandlers<Defs extends DefinitionMap, Domain extends StreamDomain> = {
  [Type in Extract<keyof Defs & string, `${Domain}.${string}`>]?: EventHandler<Defs, Type>;
};

export interface EventConsumerOptions<Defs extends DefinitionMap, Domain extends StreamDomain> {
  /** The catalogue events are parsed and upcast with. */
  registry: EventRegistry<Defs>;
  transport: EventTransport;
  /** The producing domain whose stream is read. */
  source: Domain;
  /** The consuming domain (its processed_events table records handled events). */
  domain: ConsumerDomain;
  /** Consumer group name, e.g. "notifications"; one group sees every event once. */
  group: string;
  /** This instance's name within the group (default: host, pid and a random suffix). */
  consumerName?: string;
  /** The database: the raw pg pool of kernel/db.ts's createDatabase ... */
  pool?: pg.Pool;
  /** ... or the PrismaClient createDatabase made (its pool is used; kept for callers that hold only the client). */
  prisma?: PrismaClient;
  handlers: EventHandlers<Defs, Domain>;
  logger: Logger;
  /** Attempts before an entry is dead-lettered (deliveries to crashed consumers count as attempts). */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Pending entries idle this long are taken over from their (presumably crashed) consumer. */
  claimIdleMs?: number;
  batchSize?: number;
  blockMs?: number;
  /** A new group starts at the beginning of the retained stream (default) or only sees new events. */
  startFrom?: "beginning" | "latest";
  /** Database transaction timeout for one batch (each statement's statement_timeout too). */
  handlerTimeoutMs?: number;
  /**
   * Events this returns false for are acknowledged as `ignored` without a database transaction (e.g. logins
   * from known devices for notifications: most of the stream, nothing to do).
   */
  relevant?: (event: AnyEventOf<Defs>) => boolean;
  metrics?: EventMetrics;
}

export interface ReplayResult {
  entryId: string;
  eventId: string | null;
  outcome: "processed" | "duplicate" | "ignored" | "failed";
  error?: string;
}

export interface EventConsumer {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  listDeadLetters(options?: { count?: number; after?: string }): Promise<DeadLetter[]>;
  /** Runs dead letters (all, or the given ones) through the handler again; successes leave the dead-letter stream. */
  replayDeadLetters(entryIds?: readonly string[]): Promise<ReplayResult[]>;
}

/** Handler failures that no retry can fix: dead-lettered at once. */
export class PermanentEventError extends Error {
  override readonly name = "PermanentEventError";
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

const errorMessage = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

/** Failures no retry can fix: dead-lettered at once. */
const isPermanent = (error: unknown) => error instanceof EventSchemaError || error instanceof PermanentEventError;

const typeOfRaw = (delivery: Delivery) => {
  const type = (delivery.raw as { type?: unknown } | null | undefined)?.type;
  return typeof type === "string" ? type : "unknown";
};

type Outcome = "processed" | "duplicate";

/** A batch's transaction failed in the handler of its item `index` (the whole batch was rolled back). */
class HandlerFailure extends Error {
  override readonly name = "HandlerFailure";
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(errorMessage(cause));
  }
}

export function createEventConsumer<Defs extends DefinitionMap, Domain extends StreamDomain>(
  options: EventConsumerOptions<Defs, Domain>,
): EventConsumer {
  const { transport, source, group } = options;
  const metrics = options.metrics ?? processEventMetrics;
  const { registry } = options;
  const name = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const logger = options.logger.child({ component: "event-consumer", stream: source, group, consumer: name });
  const table = PROCESSED_EVENT_TABLES[options.domain];
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const batchSize = options.batchSize ?? 50;
  const blockMs = options.blockMs ?? 2_000;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 15_000;
  const handlers = options.handlers as Record<string, EventHandler<Defs, keyof Defs & string> | undefined>;
  const pool = options.pool ?? (options.prisma && rawPoolOf(options.prisma));
  if (!pool) throw new Error("an event consumer needs the pg pool of kernel/db.ts (pool, or the prisma client createDatabase made)");

  let running = false;
  let abort = new AbortController();
  let loop: Promise<void> | undefined;
  const count = (type: string, outcome: Parameters<NonNullable<EventMetrics["eventConsumed"]>>[3]) =>
    metrics?.eventConsumed?.(source, group, type, outcome);

  /** A delivery with its parsed event and the handler it goes to. */
  interface Handled {
    delivery: Delivery;
    event: AnyEventOf<Defs>;
    handler: EventHandler<Defs, keyof Defs & string>;
    type: string;
  }

  /** What to do with one delivery, decided before any database work (parsing may refuse it for good). */
  function classify(delivery: Delivery): Handled | null {
    // Types this consumer does not handle are acknowledged unparsed (they may be newer than this code).
    const rawType = (delivery.raw as { type?: unknown } | null | undefined)?.type;
    if (typeof rawType === "string" && !handlers[rawType]) return null;
    const event = registry.parse(delivery.raw) as AnyEventOf<Defs>;
    const handler = handlers[event.type];
    if (!handler || (options.relevant && !options.relevant(event))) return null;
    return { delivery, event, handler, type: event.type };
  }

  /**
   * Runs the handlers of `items` (in order) in one database transaction that first records every event id
   * with one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING: ids already there (redeliveries) and
   * repeats within the batch are duplicates, their handlers do not run. A handler's failure rolls back the
   * whole batch and is reported as a HandlerFailure naming its position.
   */
  async function applyTogether(items: readonly Handled[]): Promise<Outcome[]> {
    let current = -1;
    const committed: (() => Promise<void> | void)[] = [];
    let outcomes: Outcome[];
    try {
      outcomes = await withSqlTransaction(
        pool!,
        async (sql) => {
          const tx: ConsumerTx = { ...sql, afterCommit: (callback) => void committed.push(callback) };
          const fresh = await recordProcessed(tx, items);
          const outcomes: Outcome[] = [];
          for (const [index, item] of items.entries()) {
            // Set.delete: a second entry of the same event in this batch is a duplicate too.
            if (!fresh.delete(item.event.id.toLowerCase())) {
              outcomes.push("duplicate");
              continue;
            }
            current = index;
            const { entryId, sequence, deliveryCount } = item.delivery;
            await item.handler(item.event, tx, { entryId, sequence, deliveryCount });
            current = -1;
            outcomes.push("processed");
          }
          return outcomes;
        },
        { timeoutMs: handlerTimeoutMs },
      );
    } catch (error) {
      if (current >= 0) throw new HandlerFailure(current, error);
      throw error;
    }
    for (const callback of committed) await callback();
    return outcomes;
  }

  /** Inserts the batch's processed-events rows; returns the ids that were new (lower case). */
  async function recordProcessed(tx: ConsumerTx, items: readonly Handled[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ event_id: string }>(
      `INSERT INTO ${table} ("consumer", "event_id", "event_type")
       SELECT $1, "id", "type" FROM unnest($2::uuid[], $3::text[]) AS e("id", "type")
       ON CONFLICT DO NOTHING
       RETURNING "event_id"::text`,
      [group, items.map((item) => item.event.id), items.map((item) => item.type)],
    );
    return new Set(rows.map((row) => row.event_id.toLowerCase()));
  }

  /** One attempt for one delivery (a replayed dead letter, or a retry of a failed one). */
  async function handleOnce(delivery: Delivery): Promise<{ outcome: "processed" | "duplicate" | "ignored" }> {
    const item = classify(delivery);
    if (!item) return { outcome: "ignored" };
    try {
      const [outcome] = await applyTogether([item]);
      return { outcome: outcome! };
    } catch (error) {
      throw error instanceof HandlerFailure ? error.cause : error;
    }
  }

  function counted(delivery: Delivery, type: string, outcome: Outcome | "ignored") {
    count(type, outcome);
    const age = eventAgeSeconds(delivery.raw);
    if (age !== null) metrics.consumerLag?.(source, group, age);
  }

  /**
   * Handles the deliveries of one read (or claim) in stream order: refused ones are dead-lettered at once,
   * ignored ones acknowledged, the rest applied together (applyInOrder).
   */
  async function handleDeliveries(deliveries: readonly Delivery[]) {
    const items: Handled[] = [];
    const ignored: Delivery[] = [];
    const alone: Delivery[] = [];
    for (const delivery of deliveries) {
      const type = typeOfRaw(delivery);
      // Each earlier delivery (to a consumer that crashed or stalled) counts as a failed attempt.
      const attempts = Math.max(0, delivery.deliveryCount - 1);
      if (attempts >= maxAttempts) {
        await deadLetter(delivery, type, attempts, "delivered too many times without being acknowledged (consumer crashes?)");
        continue;
      }
      try {
        const item = classify(delivery);
        if (item) items.push(item);
        else ignored.push(delivery);
      } catch (error) {
        if (isPermanent(error)) await deadLetter(delivery, type, attempts + 1, errorMessage(error));
        else alone.push(delivery); // retried on its own, as a handler failure would be
      }
    }
    await applyInOrder(items, ignored);
    for (const delivery of alone) {
      if (!running) return;
      await handleDelivery(delivery);
    }
  }

  /**
   * Applies `items` in one transaction and acknowledges them (with `ignored`) in one XACK. When handler k
   * fails, items before k are applied again as a batch of their own, k is retried alone (handleDelivery, this
   * failure counting as its first attempt), and the items after k follow: one poisoned event delays the rest
   * (order is kept) but neither loses nor blocks them for longer than its retries.
   */
  async function applyInOrder(items: readonly Handled[], ignored: readonly Delivery[] = []) {
    let rest = items;
    let toAck = ignored;
    const ackIgnored = async () => {
      if (toAck.length === 0) return;
      await transport.ack(source, group, toAck.map((delivery) => delivery.entryId));
      for (const delivery of toAck) counted(delivery, typeOfRaw(delivery), "ignored");
      toAck = [];
    };
    while (rest.length > 0) {
      if (!running) return; // left pending: another consumer (or this one, restarted) claims them
      let failure: HandlerFailure;
      try {
        const outcomes = await applyTogether(rest);
        await transport.ack(source, group, [...toAck, ...rest.map((item) => item.delivery)].map((delivery) => delivery.entryId));
        for (const delivery of toAck) counted(delivery, typeOfRaw(delivery), "ignored");
        rest.forEach((item, index) => counted(item.delivery, item.type, outcomes[index]!));
        return;
      } catch (error) {
        if (!(error instanceof HandlerFailure)) {
          // Not one event's fault (connection lost, commit failed, timeout): each one on its own, with retries.
          await ackIgnored();
          for (const item of rest) {
            if (!running) return;
            await handleDelivery(item.delivery);
          }
          return;
        }
        failure = error;
      }
      await ackIgnored();
      await applyInOrder(rest.slice(0, failure.index));
      if (!running) return;
      await handleDelivery(rest[failure.index]!.delivery, { error: failure.cause });
      rest = rest.slice(failure.index + 1);
    }
    await ackIgnored();
  }

  /**
   * Handles one delivery to the end: acknowledged when handled, dead-lettered when it cannot be.
   * `failedInBatch` is the failure of an attempt already made in a batch, counted as one attempt.
   */
  async function handleDelivery(delivery: Delivery, failedInBatch?: { error: unknown }) {
    const type = typeOfRaw(delivery);
    // Each earlier delivery (to a consumer that crashed or stalled) counts as a failed attempt.
    let attempts = Math.max(0, delivery.deliveryCount - 1) + (failedInBatch ? 1 : 0);
    let failure = failedInBatch;
    for (;;) {
      if (failure) {
        if (isPermanent(failure.error) || attempts >= maxAttempts) {
          await deadLetter(delivery, type, attempts, errorMessage(failure.error));
          return;
        }
        count(type, "retried");
        const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempts - 1));
        logger.warn({ err: errorMessage(failure.error), entryId: delivery.entryId, type, attempts, retryInMs: backoff }, "event handler failed; retrying");
        await sleep(backoff * (0.75 + Math.random() / 2), abort.signal);
        if (!running) return; // left pending: another consumer (or this one, restarted) claims it
        // Still ours: reset its idle time so nobody claims it while we retry.
        await transport.touch(source, group, name, [delivery.entryId]);
      } else if (attempts >= maxAttempts) {
        await deadLetter(delivery, type, attempts, "delivered too many times without being acknowledged (consumer crashes?)");
        return;
      }
      attempts += 1;
      try {
        const { outcome } = await handleOnce(delivery);
        await transport.ack(source, group, [delivery.entryId]);
        counted(delivery, type, outcome);
        return;
      } catch (error) {
        failure = { error };
      }
    }
  }

  async function deadLetter(delivery: Delivery, type: string, attempts: number, error: string) {
    const deadId = await transport.deadLetter(source, group, delivery, { attempts, error });
    count(type, "dead_lettered");
    logger.error({ entryId: delivery.entryId, deadLetterId: deadId, type, attempts, err: error }, "event moved to the dead-letter stream");
  }

  async function run() {
    let failures = 0;
    let groupReady = false;
    let nextClaimAt = 0;
    while (running) {
      try {
        if (!groupReady) {
          await transport.ensureGroup(source, group, options.startFrom ?? "beginning");
          groupReady = true;
        }
        if (Date.now() >= nextClaimAt) {
          const { deliveries, lost } = await transport.claimIdle(source, group, name, claimIdleMs, batchSize);
          for (const id of lost) {
            count("unknown", "lost");
            logger.error({ entryId: id }, "a pending event was trimmed from the stream before it was handled");
          }
          if (deliveries.length > 0) logger.info({ claimed: deliveries.length }, "claimed events left pending by another consumer");
          await handleDeliveries(deliveries);
          // A full batch means there may be more to claim right away.
          nextClaimAt = deliveries.length === batchSize ? 0 : Date.now() + Math.max(250, Math.min(claimIdleMs / 2, 10_000));
        }
        const waitMs = Math.max(0, Math.min(blockMs, nextClaimAt - Date.now()));
        const deliveries = await transport.read(source, group, name, { count: batchSize, blockMs: Math.max(1, waitMs), signal: abort.signal });
        // Nothing new to read: this group has caught up with its stream.
        if (deliveries.length === 0) metrics.consumerLag?.(source, group, 0);
        await handleDeliveries(deliveries);
        failures = 0;
      } catch (error) {
        if (!running) break;
        // The stream or group vanished (Redis restarted without persistence, or was flushed): recreate it.
        if (error instanceof Error && error.message.includes("NOGROUP")) groupReady = false;
        failures += 1;
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: errorMessage(error), failures }, "event consumer cannot read; retrying");
        await sleep(Math.min(retryMaxMs, 100 * 2 ** Math.min(failures, 10)) * (0.5 + Math.random() / 2), abort.signal);
      }
    }
  }

  return {
    name,
    start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      loop = run();
    },
    async stop() {
      if (!running) return;
      running = false;
      abort.abort();
      await loop;
    },
    listDeadLetters: (listOptions) => transport.listDeadLetters(source, group, listOptions),
    async replayDeadLetters(entryIds) {
      const all: DeadLetter[] = [];
      for (let after: string | undefined; ; ) {
        const page = await transport.listDeadLetters(source, group, { count: 500, after });
        all.push(...page);
        if (page.length < 500) break;
        after = page[page.length - 1]!.entryId;
      }
      const wanted = entryIds ? all.filter((letter) => entryIds.includes(letter.entryId)) : all;
      const results: ReplayResult[] = [];
      for (const letter of wanted) {
        const eventId = (letter.raw as { id?: unknown } | null)?.id;
        const delivery: Delivery = { entryId: letter.sourceEntryId, raw: letter.raw, sequence: letter.sequence, deliveryCount: 1 };
        try {
          const { outcome } = await handleOnce(delivery);
          await transport.removeDeadLetter(source, group, letter.entryId);
          results.push({ entryId: letter.entryId, eventId: typeof eventId === "string" ? eventId : null, outcome });
          logger.info({ deadLetterId: letter.entryId, outcome }, "dead letter replayed");
        } catch (error) {
          const message = errorMessage(error);
          await transport.removeDeadLetter(source, group, letter.entryId, { ...letter, attempts: letter.attempts + 1, error: message });
          results.push({ entryId: letter.entryId, eventId: typeof eventId === "string" ? eventId : null, outcome: "failed", error: message });
        }
      }
      return results;
    },
  };
}
