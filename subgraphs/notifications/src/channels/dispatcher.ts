// The delivery dispatcher: sends the durable queue (notifications.notification_deliveries) through the
// channels, after the consumers' transactions have committed and outside any transaction, so a slow SMTP
// server or webhook never holds a database transaction or an event consumer.
//  - Claim: one UPDATE ... FOR UPDATE SKIP LOCKED takes due PENDING rows, counts the attempt and pushes
//    `next_attempt_at` out by the lease: any number of replicas share the queue, and a delivery whose sender
//    crashed mid-send is taken again when its lease runs out (at-least-once; receivers deduplicate by the
//    delivery id header).
//  - Outcome: SENT, SKIPPED (nothing to send to), or a retry after exponential backoff with jitter; FAILED
//    after DELIVERY_MAX_ATTEMPTS or at once for a final error. Every attempt is a row of the delivery log.
import { Counter } from "prom-client";
import type { PrismaClient } from "#kernel/db.js";
import { processEventRegistry } from "#kernel/events/metrics.js";
import type { Logger } from "#kernel/logger.js";
import type { ChannelName, NotificationChannel, OutgoingNotification, SendOutcome } from "./types.js";

export interface DispatcherOptions {
  prisma: Pick<PrismaClient, "$queryRaw" | "$transaction">;
  channels: ReadonlyMap<ChannelName, NotificationChannel>;
  logger: Logger;
  pollIntervalMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  /** Deliveries claimed per round (sent concurrently). */
  batchSize?: number;
}

export interface DeliveryDispatcher {
  start(): void;
  /** Look for due deliveries now (e.g. right after a consumer committed some). */
  wake(): void;
  stop(): Promise<void>;
}

interface ClaimedRow {
  id: string;
  user_id: string;
  event_id: string;
  kind: string;
  channel: ChannelName;
  title: string;
  body: string;
  transaction_id: string | null;
  created_at: Date;
  attempts: number;
}

/** Exponential backoff (base · 2^(attempt-1), capped) with jitter in [50 %, 100 %]. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const ATTEMPTS_METRIC = "fedbank_notification_delivery_attempts_total";

/** On the process's event registry (served on the subgraph's /metrics); one per process. */
function deliveryAttemptsCounter(): Counter<"channel" | "outcome"> {
  const existing = processEventRegistry.getSingleMetric(ATTEMPTS_METRIC);
  if (existing) return existing as Counter<"channel" | "outcome">;
  return new Counter({
    name: ATTEMPTS_METRIC,
    help: "Attempts to deliver notifications over external channels (e-mail, webhook, SMS), by channel and outcome",
    labelNames: ["channel", "outcome"],
    registers: [processEventRegistry],
  });
}

export function createDeliveryDispatcher(options: DispatcherOptions): DeliveryDispatcher {
  const log = options.logger.child({ component: "delivery-dispatcher" });
  const batchSize = options.batchSize ?? 20;
  const attempts = deliveryAttemptsCounter();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  async function claim(): Promise<ClaimedRow[]> {
    // Every replica runs the same channels (same configuration): a channel that is off (e-mail without
    // SMTP_URL) turns its deliveries into SKIPPED rather than leaving them queued forever.
    return options.prisma.$queryRaw<ClaimedRow[]>`
      UPDATE notifications.notification_deliveries d
         SET attempts = d.attempts + 1,
             next_attempt_at = clock_timestamp() + make_interval(secs => ${options.leaseMs / 1000})
        FROM (SELECT id FROM notifications.notification_deliveries
               WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp()
               ORDER BY next_attempt_at
               LIMIT ${batchSize}
               FOR UPDATE SKIP LOCKED) due
       WHERE d.id = due.id
      RETURNING d.id::text AS id, d.user_id::text AS user_id, d.event_id::text AS event_id, d.kind, d.channel, d.title, d.body,
                d.transaction_id::text AS transaction_id, d.created_at, d.attempts`;
  }

  async function record(row: ClaimedRow, outcome: SendOutcome, durationMs: number) {
    const final = outcome.status !== "failed" || !outcome.retryable || row.attempts >= options.maxAttempts;
    const logged = outcome.status === "sent" ? "SENT" : outcome.status === "skipped" ? "SKIPPED" : final ? "FAILED" : "RETRY";
    const error = outcome.status === "failed" ? outcome.error : outcome.status === "skipped" ? outcome.reason : null;
    const statusCode = outcome.status === "skipped" ? null : (outcome.statusCode ?? null);
    const status = outcome.status === "sent" ? "SENT" : outcome.status === "skipped" ? "SKIPPED" : final ? "FAILED" : "PENDING";
    const delayMs = final ? 0 : retryDelayMs(row.attempts, options.retryBaseMs, options.retryMaxMs);
    await options.prisma.$transaction([
      options.prisma.$queryRaw`
        UPDATE notifications.notification_deliveries
           SET status = ${status},
               last_error = ${error},
               delivered_at = CASE WHEN ${status} = 'SENT' THEN clock_timestamp() ELSE delivered_at END,
               next_attempt_at = clock_timestamp() + make_interval(secs => ${delayMs / 1000})
         WHERE id = ${row.id}::uuid AND attempts = ${row.attempts}
        RETURNING id`,
      options.prisma.$queryRaw`
        INSERT INTO notifications.notification_delivery_attempts (delivery_id, attempt, outcome, status_code, error, duration_ms)
        VALUES (${row.id}::uuid, ${row.attempts}, ${logged}, ${statusCode}, ${error}, ${Math.round(durationMs)})
        ON CONFLICT (delivery_id, attempt) DO NOTHING
        RETURNING id`,
    ]);
    attempts.inc({ channel: row.channel, outcome: logged });
    const fields = { deliveryId: row.id, userId: row.user_id, channel: row.channel, attempt: row.attempts, outcome: logged, statusCode };
    if (logged === "FAILED") log.warn({ ...fields, error }, "notification delivery failed for good");
    else if (logged === "RETRY") log.info({ ...fields, error, retryInMs: delayMs }, "notification delivery will be retried");
  }

  async function deliverOne(row: ClaimedRow) {
    const channel = options.channels.get(row.channel);
    const notification: OutgoingNotification = {
      deliveryId: row.id,
      userId: row.user_id,
      eventId: row.event_id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      transactionId: row.transaction_id,
      createdAt: row.created_at,
      attempt: row.attempts,
    };
    const started = performance.now();
    let outcome: SendOutcome;
    try {
      outcome = channel
        ? await channel.send(notification)
        : { status: "skipped", reason: `the ${row.channel} channel is not configured` };
    } catch (error) {
      outcome = { status: "failed", retryable: true, error: (error instanceof Error ? error.message : String(error)).slice(0, 300) };
    }
    await record(row, outcome, performance.now() - started);
  }

  async function round() {
    do {
      again = false;
      const rows = await claim();
      await Promise.all(rows.map((row) => deliverOne(row).catch((error: unknown) => log.warn({ err: error, deliveryId: row.id }, "could not record a delivery attempt"))));
      if (rows.length === batchSize) again = true;
    } while (again && !stopped);
  }

  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((error: unknown) => log.warn({ err: error }, "delivery round failed; retrying at the next poll"))
      .finally(() => {
        running = null;
      });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(tick, options.pollIntervalMs);
      timer.unref();
      tick();
    },
    wake: tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      await Promise.all([...options.channels.values()].map((channel) => channel.close?.()));
    },
  };
}
