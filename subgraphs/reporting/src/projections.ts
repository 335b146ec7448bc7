// The reporting projections, fed by events: one consumer group ("reporting") per source stream. Each handler
// runs in the consumer's database transaction, right after the processed-events row (docs/events.md), so a
// redelivered event changes nothing; every write is a single set-based upsert into reporting's own tables.
import type { PrismaClient } from "#kernel/db.js";
import { Prisma } from "#kernel/db.js";
import { consumerSettings, type ConsumerTx, type EventConsumer, type EventsConfig } from "#kernel/events/index.js";
import { createEventConsumer, type EventHandlers } from "#domain/events.js";
import type { EventTransport } from "#kernel/events/transport.js";
import type { Logger } from "#kernel/logger.js";
import { dayOf } from "./periods.js";

export const REPORTING_GROUP = "reporting";

/** The metrics of `reporting.daily_activity`; the first four mirror the ledger's transaction kinds. */
export const MOVEMENT_KINDS = ["DEPOSIT", "WITHDRAWAL", "TRANSFER", "REVERSAL"] as const;
export const Metric = { TRANSFER_FAILED: "TRANSFER_FAILED", ACCOUNT_OPENED: "ACCOUNT_OPENED" } as const;
/** The metrics reconciliation can recompute from the ledger. */
export const LEDGER_METRICS: readonly string[] = [...MOVEMENT_KINDS, Metric.ACCOUNT_OPENED];

/** Adds one occurrence (and its amount) to a day's counter. */
export async function countActivity(tx: ConsumerTx, at: string, currency: string, metric: string, amountMinor = "0"): Promise<void> {
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO reporting.daily_activity (day, currency, metric, count, volume_minor, updated_at)
    VALUES (${dayOf(at)}::date, ${currency}, ${metric}, 1, ${amountMinor}::numeric, now())
    ON CONFLICT (day, currency, metric) DO UPDATE
       SET count = daily_activity.count + 1,
           volume_minor = daily_activity.volume_minor + EXCLUDED.volume_minor,
           updated_at = now()`);
}

const ledgerHandlers: EventHandlers<"ledger"> = {
  async "ledger.transfer.posted"(event, tx) {
    const p = event.payload;
    await countActivity(tx, p.postedAt, p.currency, "TRANSFER", p.amountMinor);
  },
  async "ledger.deposit.posted"(event, tx) {
    const p = event.payload;
    await countActivity(tx, p.postedAt, p.currency, "DEPOSIT", p.amountMinor);
  },
  async "ledger.withdrawal.posted"(event, tx) {
    const p = event.payload;
    await countActivity(tx, p.postedAt, p.currency, "WITHDRAWAL", p.amountMinor);
  },
  async "ledger.reversal.posted"(event, tx) {
    const p = event.payload;
    await countActivity(tx, p.postedAt, p.currency, "REVERSAL", p.amountMinor);
  },
  async "ledger.transfer.failed"(event, tx) {
    const p = event.payload;
    await countActivity(tx, p.failedAt, p.currency, Metric.TRANSFER_FAILED, p.amountMinor);
  },
};

const accountsHandlers: EventHandlers<"accounts"> = {
  async "accounts.account.opened"(event, tx) {
    await countActivity(tx, event.occurredAt, event.payload.currency, Metric.ACCOUNT_OPENED);
  },
};

const usersHandlers: EventHandlers<"users"> = {
  async "users.login.succeeded"(event, tx) {
    const { userId, sessionId } = event.payload;
    await tx.$executeRaw(Prisma.sql`
      WITH active AS (
        INSERT INTO reporting.daily_active_users (day, user_id) VALUES (${dayOf(event.occurredAt)}::date, ${userId}::uuid)
        ON CONFLICT DO NOTHING
      )
      INSERT INTO reporting.login_sessions (session_id, user_id, logged_in_at)
      VALUES (${sessionId}::uuid, ${userId}::uuid, ${event.occurredAt}::timestamptz)
      ON CONFLICT DO NOTHING`);
  },
};

/** Creates (not starts) the three consumers of the reporting group. */
export function createReportingConsumers(options: {
  transport: EventTransport;
  prisma: PrismaClient;
  logger: Logger;
  config: EventsConfig;
}): Record<"ledger" | "accounts" | "users", EventConsumer> {
  const common = {
    transport: options.transport,
    domain: "reporting" as const,
    group: REPORTING_GROUP,
    prisma: options.prisma,
    logger: options.logger,
    ...consumerSettings(options.config),
  };
  const wanted = (types: object) => (event: { type: string }) => event.type in types;
  return {
    // Events without a handler (holds) are acknowledged without a database transaction.
    ledger: createEventConsumer({ ...common, source: "ledger", handlers: ledgerHandlers, relevant: wanted(ledgerHandlers) }),
    accounts: createEventConsumer({ ...common, source: "accounts", handlers: accountsHandlers, relevant: wanted(accountsHandlers) }),
    users: createEventConsumer({ ...common, source: "users", handlers: usersHandlers, relevant: wanted(usersHandlers) }),
  };
}
