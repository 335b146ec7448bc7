// A user's notification settings: channel flags per kind (a missing row means in-app only) and the
// large-transaction threshold (a missing row means the default of 10,000 in the currency's major unit).
import { badUserInput } from "#kernel/errors.js";
import { isSupportedCurrency, money, parseAmount, type Money } from "#domain/money.js";
import { defaultLargeThresholdMinor } from "./consumers.js";
import type { NotificationsDb } from "./db.js";
import { NOTIFICATION_KINDS, type NotificationKind } from "./templates.js";

/** The currency of the default threshold shown to users who never set one. */
export const DEFAULT_THRESHOLD_CURRENCY = "USD";

export interface ChannelPreference {
  kind: NotificationKind;
  inApp: boolean;
  email: boolean;
  webhook: boolean;
}

export interface PreferencesView {
  channels: ChannelPreference[];
  largeTransactionThreshold: Money;
}

export interface PreferencesUpdate {
  channels?: { kind: NotificationKind; inApp?: boolean | null; email?: boolean | null; webhook?: boolean | null }[] | null;
  largeTransactionThreshold?: { amount: string; currency: string } | null;
}

export async function loadPreferences(db: Pick<NotificationsDb, "notificationPreference" | "notificationSetting">, userId: string): Promise<PreferencesView> {
  const [rows, setting] = await Promise.all([
    db.notificationPreference.findMany({ where: { userId } }),
    db.notificationSetting.findUnique({ where: { userId } }),
  ]);
  const byKind = new Map(rows.map((row) => [row.kind, row]));
  return {
    channels: NOTIFICATION_KINDS.map((kind) => {
      const row = byKind.get(kind);
      return { kind, inApp: row?.inApp ?? true, email: row?.email ?? false, webhook: row?.webhook ?? false };
    }),
    largeTransactionThreshold: setting
      ? money(setting.largeTransactionThresholdMinor, setting.largeTransactionCurrency)
      : money(defaultLargeThresholdMinor(DEFAULT_THRESHOLD_CURRENCY), DEFAULT_THRESHOLD_CURRENCY),
  };
}

/** Applies an update in one database transaction; validation errors change nothing. */
export async function updatePreferences(db: NotificationsDb, userId: string, update: PreferencesUpdate): Promise<PreferencesView> {
  let threshold: { minor: bigint; currency: string } | null = null;
  if (update.largeTransactionThreshold) {
    const currency = update.largeTransactionThreshold.currency.trim().toUpperCase();
    if (!isSupportedCurrency(currency)) {
      throw badUserInput(`Unknown or unsupported currency "${currency}"`, { field: "largeTransactionThreshold.currency" });
    }
    threshold = { minor: parseAmount(update.largeTransactionThreshold.amount, currency), currency };
  }
  const channels = update.channels ?? [];
  if (new Set(channels.map((channel) => channel.kind)).size !== channels.length) {
    throw badUserInput("Each kind may appear once in channels", { field: "channels" });
  }
  return db.$transaction(async (tx) => {
    for (const channel of channels) {
      const flags = {
        ...(channel.inApp == null ? {} : { inApp: channel.inApp }),
        ...(channel.email == null ? {} : { email: channel.email }),
        ...(channel.webhook == null ? {} : { webhook: channel.webhook }),
      };
      await tx.notificationPreference.upsert({
        where: { userId_kind: { userId, kind: channel.kind } },
        create: { userId, kind: channel.kind, ...flags },
        update: flags,
      });
    }
    if (threshold) {
      await tx.notificationSetting.upsert({
        where: { userId },
        create: { userId, largeTransactionThresholdMinor: threshold.minor, largeTransactionCurrency: threshold.currency },
        update: { largeTransactionThresholdMinor: threshold.minor, largeTransactionCurrency: threshold.currency },
      });
    }
    return loadPreferences(tx, userId);
  });
}
