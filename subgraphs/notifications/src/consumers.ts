// The notifications consumers: one consumer group ("notifications") per producing domain's stream. Each
// handler runs in the consumer's database transaction, after the processed-events row (docs/events.md), so a
// redelivered event creates nothing; the unique (event_id, user_id, kind) index is a second guard.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "#kernel/db.js";
import { consumerSettings, type ConsumerTx, type EventConsumer, type EventsConfig } from "#kernel/events/index.js";
import { createEventConsumer, type EventHandlers } from "#domain/events.js";
import type { EventTransport } from "#kernel/events/transport.js";
import type { Logger } from "#kernel/logger.js";
import type { Notification } from "#kernel/generated/prisma/client.js";
import { currencyExponent } from "#domain/money.js";
import { channelsChosen, enqueueChannelDeliveries } from "./channels/enqueue.js";
import { NotificationKind, templates, type RenderedNotification } from "./templates.js";

export const NOTIFICATIONS_GROUP = "notifications";

/** Without a preference, a transaction of at least 10,000 in the currency's major unit is "large". */
export const DEFAULT_LARGE_TRANSACTION_MAJOR = 10_000n;

export function defaultLargeThresholdMinor(currency: string): bigint {
  return DEFAULT_LARGE_TRANSACTION_MAJOR * 10n ** BigInt(currencyExponent(currency));
}

interface Delivered {
  eventId: string;
  userId: string | null;
  transactionId?: string | null;
  rendered: RenderedNotification;
}

/** A LARGE_TRANSACTION check of one event: each customer party whose threshold (same currency) the amount reaches. */
interface LargeCheck {
  owners: (string | null)[];
  amount: { amountMinor: string; currency: string };
  transactionId: string;
}

type ChannelPreference = { inApp: boolean; email: boolean; webhook: boolean };
interface RecipientSettings {
  preferences: Map<string, ChannelPreference>;
  thresholds: Map<string, { thresholdMinor: bigint; currency: string }>;
}

/**
 * The recipients' preferences (every kind) and, when a large-transaction check needs them, their settings:
 * one statement on the consumer's transaction (the hot path: every posted transfer comes here).
 */
async function recipientSettings(tx: ConsumerTx, userIds: string[], withThresholds: boolean): Promise<RecipientSettings> {
  const { rows } = await tx.query<
    { what: string; user_id: string; kind: string | null; in_app: boolean | null; email: boolean | null; webhook: boolean | null; threshold: string | null; currency: string | null }
  >(
    `SELECT 'p' AS what, user_id::text AS user_id, kind, in_app, email, webhook, NULL::text AS threshold, NULL::text AS currency
       FROM "notifications"."notification_preferences" WHERE user_id = ANY($1::uuid[])
     UNION ALL
     SELECT 's', user_id::text, NULL, NULL, NULL, NULL, large_transaction_threshold_minor::text, large_transaction_currency::text
       FROM "notifications"."notification_settings" WHERE $2 AND user_id = ANY($1::uuid[])`,
    [userIds, withThresholds],
  );
  const settings: RecipientSettings = { preferences: new Map(), thresholds: new Map() };
  for (const row of rows) {
    if (row.what === "p") settings.preferences.set(`${row.user_id}|${row.kind}`, { inApp: row.in_app!, email: row.email!, webhook: row.webhook! });
    else settings.thresholds.set(row.user_id, { thresholdMinor: BigInt(row.threshold!), currency: row.currency! });
  }
  return settings;
}

/**
 * Stores an event's in-app notifications (unless a user turned the kind's in-app channel off) and queues
 * their e-mail/webhook copies, after the large-transaction check: two statements whatever the number of
 * recipients (their settings, then one multi-row insert; the queue only for users who chose a channel).
 */
async function deliver(tx: ConsumerTx, items: Delivered[], large?: LargeCheck): Promise<void> {
  // The bank's own settlement accounts have no owner.
  const planned = items.flatMap((item) => (item.userId ? [{ ...item, userId: item.userId.toLowerCase() }] : []));
  const largeOwners = large ? [...new Set(large.owners.filter((id): id is string => id !== null).map((id) => id.toLowerCase()))] : [];
  const userIds = [...new Set([...planned.map((item) => item.userId), ...largeOwners])];
  if (userIds.length === 0) return;
  const settings = await recipientSettings(tx, userIds, largeOwners.length > 0);
  for (const owner of largeOwners) {
    const { amount, transactionId } = large!;
    const setting = settings.thresholds.get(owner);
    const threshold = setting && setting.currency === amount.currency ? setting.thresholdMinor : defaultLargeThresholdMinor(amount.currency);
    if (BigInt(amount.amountMinor) < threshold) continue;
    planned.push({
      eventId: items[0]!.eventId,
      userId: owner,
      transactionId,
      rendered: templates.largeTransaction(amount, { amountMinor: String(threshold), currency: amount.currency }),
    });
  }
  const inApp: typeof planned = [];
  for (const item of planned) {
    const preference = settings.preferences.get(`${item.userId}|${item.rendered.kind}`) ?? null;
    // E-mail / webhook copies are queued in this transaction and sent after commit (channels/dispatcher.ts).
    if (channelsChosen(preference).length > 0) await enqueueChannelDeliveries(tx, item, preference);
    if (!preference || preference.inApp) inApp.push(item);
  }
  if (inApp.length === 0) return;
  // The unique (event_id, user_id, kind) index makes a repeated insert add nothing. created_at is the insert's
  // own time: the events of a batch share one transaction, whose now() is the same for all of them.
  const { rows: created } = await tx.query<Notification>(
    `INSERT INTO "notifications"."notifications" (id, user_id, kind, title, body, event_id, transaction_id, created_at)
     SELECT n.id, n.user_id, n.kind, n.title, n.body, n.event_id, n.transaction_id, clock_timestamp()
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[])
            WITH ORDINALITY AS n(id, user_id, kind, title, body, event_id, transaction_id, position)
      ORDER BY n.position
     ON CONFLICT DO NOTHING
     RETURNING id::text AS "id", user_id::text AS "userId", kind, title, body, read_at AS "readAt", created_at AS "createdAt",
               event_id::text AS "eventId", transaction_id::text AS "transactionId"`,
    [
      inApp.map(() => randomUUID()), inApp.map((item) => item.userId), inApp.map((item) => item.rendered.kind),
      inApp.map((item) => item.rendered.title), inApp.map((item) => item.rendered.body), inApp.map((item) => item.eventId),
      inApp.map((item) => item.transactionId ?? null),
    ],
  );
  if (created.length > 0) createdIn.get(tx)?.push(...created);
}

/** Rows created in each consumer transaction (by the handle its handlers get), published once it commits. */
const createdIn = new WeakMap<ConsumerTx, Notification[]>();

/**
 * The handlers, wrapped: each consumer transaction collects the notifications it creates, and they are handed
 * to `onCommitted` only after the commit (never for a rolled-back or duplicate delivery).
 */
function publishingAfterCommit<Handlers extends Record<string, ((event: never, tx: ConsumerTx, delivery: never) => Promise<void>) | undefined>>(
  handlers: Handlers,
  onCommitted: ((rows: Notification[]) => Promise<void>) | undefined,
): Handlers {
  if (!onCommitted) return handlers;
  const collecting = (tx: ConsumerTx) => {
    if (!createdIn.has(tx)) {
      const rows: Notification[] = [];
      createdIn.set(tx, rows);
      tx.afterCommit(() => (rows.length > 0 ? onCommitted(rows) : undefined));
    }
    return tx;
  };
  return Object.fromEntries(
    Object.entries(handlers).map(([type, handler]) => [type, handler && ((event: never, tx: ConsumerTx, delivery: never) => handler(event, collecting(tx), delivery))]),
  ) as Handlers;
}

const ledgerHandlers: EventHandlers<"ledger"> = {
  async "ledger.transfer.posted"(event, tx) {
    const p = event.payload;
    await deliver(
      tx,
      [
        { eventId: event.id, userId: p.fromOwnerId, transactionId: p.transactionId, rendered: templates.moneySent(p, "transfer") },
        { eventId: event.id, userId: p.toOwnerId, transactionId: p.transactionId, rendered: templates.moneyReceived(p, "transfer") },
      ],
      { owners: [p.fromOwnerId, p.toOwnerId], amount: p, transactionId: p.transactionId },
    );
  },
  async "ledger.deposit.posted"(event, tx) {
    const p = event.payload;
    await deliver(
      tx,
      [{ eventId: event.id, userId: p.ownerId, transactionId: p.transactionId, rendered: templates.moneyReceived(p, "deposit") }],
      { owners: [p.ownerId], amount: p, transactionId: p.transactionId },
    );
  },
  async "ledger.withdrawal.posted"(event, tx) {
    const p = event.payload;
    await deliver(
      tx,
      [{ eventId: event.id, userId: p.ownerId, transactionId: p.transactionId, rendered: templates.moneySent(p, "withdrawal") }],
      { owners: [p.ownerId], amount: p, transactionId: p.transactionId },
    );
  },
  async "ledger.reversal.posted"(event, tx) {
    const p = event.payload;
    // One notification per customer: the debited side and the credited side of the reversing transaction.
    await deliver(tx, [
      { eventId: event.id, userId: p.fromOwnerId, transactionId: p.transactionId, rendered: templates.transferReversed(p, false) },
      ...(p.toOwnerId !== p.fromOwnerId
        ? [{ eventId: event.id, userId: p.toOwnerId, transactionId: p.transactionId, rendered: templates.transferReversed(p, true) }]
        : []),
    ]);
  },
  async "ledger.hold.placed"(event, tx) {
    const p = event.payload;
    await deliver(tx, [{ eventId: event.id, userId: p.ownerId, rendered: templates.holdPlaced(p, p.expiresAt) }]);
  },
  async "ledger.transfer.failed"(event, tx) {
    const p = event.payload;
    await deliver(tx, [{ eventId: event.id, userId: p.fromOwnerId, rendered: templates.transferFailed(p, p.reason) }]);
  },
  async "ledger.hold.expiring"(event, tx) {
    const p = event.payload;
    await deliver(tx, [{ eventId: event.id, userId: p.ownerId, rendered: templates.holdExpiring(p, p.expiresAt) }]);
  },
  async "ledger.hold.expired"(event, tx) {
    const p = event.payload;
    await deliver(tx, [{ eventId: event.id, userId: p.ownerId, rendered: templates.holdExpired(p) }]);
  },
};

const accountsHandlers: EventHandlers<"accounts"> = {
  async "accounts.account.frozen"(event, tx) {
    await deliver(tx, [{ eventId: event.id, userId: event.payload.ownerId, rendered: templates.accountFrozen() }]);
  },
};

const usersHandlers: EventHandlers<"users"> = {
  async "users.login.succeeded"(event, tx) {
    if (!event.payload.newDevice) return;
    await deliver(tx, [{ eventId: event.id, userId: event.payload.userId, rendered: templates.loginNewDevice() }]);
  },
  async "users.mfa.enabled"(event, tx) {
    await deliver(tx, [{ eventId: event.id, userId: event.payload.userId, rendered: templates.mfaChanged(true) }]);
  },
  async "users.mfa.disabled"(event, tx) {
    await deliver(tx, [{ eventId: event.id, userId: event.payload.userId, rendered: templates.mfaChanged(false) }]);
  },
  async "users.mfa.enrollment_started"(event, tx) {
    await deliver(tx, [{ eventId: event.id, userId: event.payload.userId, rendered: templates.mfaEnrollmentStarted() }]);
  },
  async "users.security.alert"(event, tx) {
    await deliver(tx, [{ eventId: event.id, userId: event.payload.userId, rendered: templates.securityAlert(event.payload.reason) }]);
  },
  async "users.password.changed"(event, tx) {
    await deliver(tx, [{ eventId: event.id, userId: event.payload.userId, rendered: templates.passwordChanged(event.payload.otherSessionsRevoked) }]);
  },
};

/** Creates (not starts) the three consumers of the notifications group. */
export function createNotificationConsumers(options: {
  transport: EventTransport;
  prisma: PrismaClient;
  logger: Logger;
  config: EventsConfig;
  /** Called with the notifications a delivery created, after its transaction commits (live push). */
  onCommitted?: (rows: Notification[]) => Promise<void>;
}): Record<"ledger" | "accounts" | "users", EventConsumer> {
  const common = {
    transport: options.transport,
    domain: "notifications" as const,
    group: NOTIFICATIONS_GROUP,
    prisma: options.prisma,
    logger: options.logger,
    ...consumerSettings(options.config),
  };
  return {
    ledger: createEventConsumer({ ...common, source: "ledger", handlers: publishingAfterCommit(ledgerHandlers, options.onCommitted) }),
    accounts: createEventConsumer({ ...common, source: "accounts", handlers: publishingAfterCommit(accountsHandlers, options.onCommitted) }),
    users: createEventConsumer({
      ...common,
      source: "users",
      handlers: publishingAfterCommit(usersHandlers, options.onCommitted),
      // Most logins are from known devices: nothing to store, so no database transaction for them.
      relevant: (event) => event.type !== "users.login.succeeded" || event.payload.newDevice,
    }),
  };
}
