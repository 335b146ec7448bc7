// The notifications consumers: one consumer group ("notifications") per producing domain's stream. Each
// handler runs in the consumer's database transaction, after the processed-events row (docs/events.md), so a
// redelivered event creates nothing; the unique (event_id, user_id, kind) index is a second guard.
import type { PrismaClient } from "#kernel/db.js";
import { consumerSettings, type ConsumerTx, type EventConsumer, type EventsConfig } from "#kernel/events/index.js";
import { createEventConsumer, type EventHandlers } from "#domain/events.js";
import type { EventTransport } from "#kernel/events/transport.js";
import type { Logger } from "#kernel/logger.js";
import type { Notification } from "#kernel/generated/prisma/client.js";
import { currencyExponent } from "#domain/money.js";
import { enqueueChannelDeliveries } from "./channels/enqueue.js";
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

/** Stores an in-app notification unless the user turned the kind's in-app channel off. */
async function deliver(tx: ConsumerTx, item: Delivered): Promise<void> {
  if (!item.userId) return; // the bank's own settlement accounts have no owner
  const userId = item.userId.toLowerCase();
  const preference = await tx.notificationPreference.findUnique({ where: { userId_kind: { userId, kind: item.rendered.kind } } });
  // E-mail / webhook copies are queued in this transaction and sent after commit (channels/dispatcher.ts).
  await enqueueChannelDeliveries(tx, { ...item, userId }, preference);
  if (preference && !preference.inApp) return;
  const created = await tx.notification.createManyAndReturn({
    data: [
      {
        userId,
        kind: item.rendered.kind,
        title: item.rendered.title,
        body: item.rendered.body,
        eventId: item.eventId,
        transactionId: item.transactionId ?? null,
      },
    ],
    skipDuplicates: true,
  });
  createdIn.get(tx)?.push(...created);
}

/** Rows created in each consumer transaction, published live once it commits (see publishingAfterCommit). */
const createdIn = new WeakMap<ConsumerTx, Notification[]>();

/**
 * The consumers' `prisma`, wrapped: each transaction collects the notifications it creates, and they are
 * handed to `onCommitted` only after the commit (never for a rolled-back or duplicate delivery).
 */
function publishingAfterCommit(prisma: PrismaClient, onCommitted: (rows: Notification[]) => Promise<void>): Pick<PrismaClient, "$transaction"> {
  return {
    $transaction: (async (fn: (tx: ConsumerTx) => Promise<unknown>, options?: { timeout?: number; maxWait?: number }) => {
      const rows: Notification[] = [];
      const result = await prisma.$transaction(async (tx) => {
        createdIn.set(tx, rows);
        return fn(tx);
      }, options);
      if (rows.length > 0) await onCommitted(rows);
      return result;
    }) as PrismaClient["$transaction"],
  };
}

/** LARGE_TRANSACTION for each customer party whose threshold (same currency) the amount reaches. */
async function alertIfLarge(
  tx: ConsumerTx,
  event: { id: string },
  owners: (string | null)[],
  amount: { amountMinor: string; currency: string },
  transactionId: string,
) {
  for (const owner of new Set(owners.filter((id): id is string => id !== null).map((id) => id.toLowerCase()))) {
    const setting = await tx.notificationSetting.findUnique({ where: { userId: owner } });
    const threshold =
      setting && setting.largeTransactionCurrency === amount.currency
        ? setting.largeTransactionThresholdMinor
        : defaultLargeThresholdMinor(amount.currency);
    if (BigInt(amount.amountMinor) < threshold) continue;
    await deliver(tx, {
      eventId: event.id,
      userId: owner,
      transactionId,
      rendered: templates.largeTransaction(amount, { amountMinor: String(threshold), currency: amount.currency }),
    });
  }
}

const ledgerHandlers: EventHandlers<"ledger"> = {
  async "ledger.transfer.posted"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.fromOwnerId, transactionId: p.transactionId, rendered: templates.moneySent(p, "transfer") });
    await deliver(tx, { eventId: event.id, userId: p.toOwnerId, transactionId: p.transactionId, rendered: templates.moneyReceived(p, "transfer") });
    await alertIfLarge(tx, event, [p.fromOwnerId, p.toOwnerId], p, p.transactionId);
  },
  async "ledger.deposit.posted"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.ownerId, transactionId: p.transactionId, rendered: templates.moneyReceived(p, "deposit") });
    await alertIfLarge(tx, event, [p.ownerId], p, p.transactionId);
  },
  async "ledger.withdrawal.posted"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.ownerId, transactionId: p.transactionId, rendered: templates.moneySent(p, "withdrawal") });
    await alertIfLarge(tx, event, [p.ownerId], p, p.transactionId);
  },
  async "ledger.reversal.posted"(event, tx) {
    const p = event.payload;
    // One notification per customer: the debited side and the credited side of the reversing transaction.
    await deliver(tx, { eventId: event.id, userId: p.fromOwnerId, transactionId: p.transactionId, rendered: templates.transferReversed(p, false) });
    if (p.toOwnerId !== p.fromOwnerId) {
      await deliver(tx, { eventId: event.id, userId: p.toOwnerId, transactionId: p.transactionId, rendered: templates.transferReversed(p, true) });
    }
  },
  async "ledger.hold.placed"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.ownerId, rendered: templates.holdPlaced(p, p.expiresAt) });
  },
  async "ledger.transfer.failed"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.fromOwnerId, rendered: templates.transferFailed(p, p.reason) });
  },
  async "ledger.hold.expiring"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.ownerId, rendered: templates.holdExpiring(p, p.expiresAt) });
  },
  async "ledger.hold.expired"(event, tx) {
    const p = event.payload;
    await deliver(tx, { eventId: event.id, userId: p.ownerId, rendered: templates.holdExpired(p) });
  },
};

const accountsHandlers: EventHandlers<"accounts"> = {
  async "accounts.account.frozen"(event, tx) {
    await deliver(tx, { eventId: event.id, userId: event.payload.ownerId, rendered: templates.accountFrozen() });
  },
};

const usersHandlers: EventHandlers<"users"> = {
  async "users.login.succeeded"(event, tx) {
    if (!event.payload.newDevice) return;
    await deliver(tx, { eventId: event.id, userId: event.payload.userId, rendered: templates.loginNewDevice() });
  },
  async "users.mfa.enabled"(event, tx) {
    await deliver(tx, { eventId: event.id, userId: event.payload.userId, rendered: templates.mfaChanged(true) });
  },
  async "users.mfa.disabled"(event, tx) {
    await deliver(tx, { eventId: event.id, userId: event.payload.userId, rendered: templates.mfaChanged(false) });
  },
  async "users.mfa.enrollment_started"(event, tx) {
    await deliver(tx, { eventId: event.id, userId: event.payload.userId, rendered: templates.mfaEnrollmentStarted() });
  },
  async "users.security.alert"(event, tx) {
    await deliver(tx, { eventId: event.id, userId: event.payload.userId, rendered: templates.securityAlert(event.payload.reason) });
  },
  async "users.password.changed"(event, tx) {
    await deliver(tx, { eventId: event.id, userId: event.payload.userId, rendered: templates.passwordChanged(event.payload.otherSessionsRevoked) });
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
    prisma: options.onCommitted ? publishingAfterCommit(options.prisma, options.onCommitted) : options.prisma,
    logger: options.logger,
    ...consumerSettings(options.config),
  };
  return {
    ledger: createEventConsumer({ ...common, source: "ledger", handlers: ledgerHandlers }),
    accounts: createEventConsumer({ ...common, source: "accounts", handlers: accountsHandlers }),
    users: createEventConsumer({
      ...common,
      source: "users",
      handlers: usersHandlers,
      // Most logins are from known devices: nothing to store, so no database transaction for them.
      relevant: (event) => event.type !== "users.login.succeeded" || event.payload.newDevice,
    }),
  };
}
