// Notification kinds and their texts. Amounts are formatted with the currency's exact scale
// (domain/money.ts); events carry ids and amounts only, so the texts name no people.
import { formatAmount } from "#domain/money.js";

export const NotificationKind = {
  MONEY_RECEIVED: "MONEY_RECEIVED",
  MONEY_SENT: "MONEY_SENT",
  TRANSFER_REVERSED: "TRANSFER_REVERSED",
  TRANSFER_FAILED: "TRANSFER_FAILED",
  LARGE_TRANSACTION: "LARGE_TRANSACTION",
  HOLD_PLACED: "HOLD_PLACED",
  HOLD_EXPIRING: "HOLD_EXPIRING",
  HOLD_EXPIRED: "HOLD_EXPIRED",
  ACCOUNT_FROZEN: "ACCOUNT_FROZEN",
  LOGIN_NEW_DEVICE: "LOGIN_NEW_DEVICE",
  MFA_CHANGED: "MFA_CHANGED",
  PASSWORD_CHANGED: "PASSWORD_CHANGED",
  SECURITY_ALERT: "SECURITY_ALERT",
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];
export const NOTIFICATION_KINDS = Object.values(NotificationKind);

/** "10.50 USD": the amount with its currency's exact number of decimals. */
export function formatMoney(amountMinor: string | bigint, currency: string): string {
  return `${formatAmount(BigInt(amountMinor), currency)} ${currency}`;
}

export interface RenderedNotification {
  kind: NotificationKind;
  title: string;
  body: string;
}

type Amount = { amountMinor: string; currency: string };

export const templates = {
  moneyReceived: (a: Amount, via: "transfer" | "deposit"): RenderedNotification => ({
    kind: NotificationKind.MONEY_RECEIVED,
    title: `You received ${formatMoney(a.amountMinor, a.currency)}`,
    body:
      via === "deposit"
        ? `A deposit of ${formatMoney(a.amountMinor, a.currency)} was credited to your account.`
        : `A transfer of ${formatMoney(a.amountMinor, a.currency)} was credited to your account.`,
  }),
  moneySent: (a: Amount, via: "transfer" | "withdrawal"): RenderedNotification => ({
    kind: NotificationKind.MONEY_SENT,
    title: `You sent ${formatMoney(a.amountMinor, a.currency)}`,
    body:
      via === "withdrawal"
        ? `A withdrawal of ${formatMoney(a.amountMinor, a.currency)} was debited from your account.`
        : `A transfer of ${formatMoney(a.amountMinor, a.currency)} was debited from your account.`,
  }),
  transferReversed: (a: Amount, credited: boolean): RenderedNotification => ({
    kind: NotificationKind.TRANSFER_REVERSED,
    title: `A transaction of ${formatMoney(a.amountMinor, a.currency)} was reversed`,
    body: credited
      ? `The bank reversed a transaction: ${formatMoney(a.amountMinor, a.currency)} was credited back to your account.`
      : `The bank reversed a transaction: ${formatMoney(a.amountMinor, a.currency)} was debited from your account.`,
  }),
  transferFailed: (a: Amount, reason: "INSUFFICIENT_FUNDS" | "ACCOUNT_FROZEN" | "ACCOUNT_CLOSED"): RenderedNotification => ({
    kind: NotificationKind.TRANSFER_FAILED,
    title: `A transfer of ${formatMoney(a.amountMinor, a.currency)} failed`,
    body: `Your transfer of ${formatMoney(a.amountMinor, a.currency)} was refused (${
      reason === "INSUFFICIENT_FUNDS" ? "not enough available funds" : reason === "ACCOUNT_FROZEN" ? "an account is frozen" : "an account is closed"
    }); no money moved.`,
  }),
  largeTransaction: (a: Amount, threshold: Amount): RenderedNotification => ({
    kind: NotificationKind.LARGE_TRANSACTION,
    title: `Large transaction: ${formatMoney(a.amountMinor, a.currency)}`,
    body: `A transaction of ${formatMoney(a.amountMinor, a.currency)} on your account reached your alert threshold of ${formatMoney(threshold.amountMinor, threshold.currency)}.`,
  }),
  holdPlaced: (a: Amount, expiresAt: string): RenderedNotification => ({
    kind: NotificationKind.HOLD_PLACED,
    title: `${formatMoney(a.amountMinor, a.currency)} reserved`,
    body: `${formatMoney(a.amountMinor, a.currency)} is reserved on your account for a pending transfer until ${expiresAt}.`,
  }),
  holdExpiring: (a: Amount, expiresAt: string): RenderedNotification => ({
    kind: NotificationKind.HOLD_EXPIRING,
    title: `Reservation of ${formatMoney(a.amountMinor, a.currency)} expires soon`,
    body: `The ${formatMoney(a.amountMinor, a.currency)} reserved on your account for a pending transfer will be released at ${expiresAt} unless the transfer is completed before then.`,
  }),
  holdExpired: (a: Amount): RenderedNotification => ({
    kind: NotificationKind.HOLD_EXPIRED,
    title: `Pending transfer of ${formatMoney(a.amountMinor, a.currency)} expired`,
    body: `A pending transfer of ${formatMoney(a.amountMinor, a.currency)} was not completed in time: the reservation expired and the money is available again.`,
  }),
  accountFrozen: (): RenderedNotification => ({
    kind: NotificationKind.ACCOUNT_FROZEN,
    title: "Your account was frozen",
    body: "One of your accounts was frozen: no money can leave it until it is unfrozen. Contact the bank if you did not expect this.",
  }),
  loginNewDevice: (): RenderedNotification => ({
    kind: NotificationKind.LOGIN_NEW_DEVICE,
    title: "New sign-in from a new device",
    body: "Your account was signed in to from a device we had not seen before. If this was not you, change your password now.",
  }),
  mfaChanged: (enabled: boolean): RenderedNotification => ({
    kind: NotificationKind.MFA_CHANGED,
    title: enabled ? "Two-factor authentication enabled" : "Two-factor authentication disabled",
    body: enabled
      ? "Two-factor authentication is now required when you sign in."
      : "Two-factor authentication was turned off. If this was not you, change your password and contact the bank.",
  }),
  mfaEnrollmentStarted: (): RenderedNotification => ({
    kind: NotificationKind.MFA_CHANGED,
    title: "Two-factor authentication set-up started",
    body: "A new authenticator secret and recovery codes were issued for your account. If this was not you, change your password and contact the bank.",
  }),
  securityAlert: (reason: "REPEATED_FAILED_ATTEMPTS" | "SESSION_REVOKED_AFTER_FAILURES"): RenderedNotification => ({
    kind: NotificationKind.SECURITY_ALERT,
    title: reason === "REPEATED_FAILED_ATTEMPTS" ? "Repeated failed sign-in attempts" : "A session was signed out",
    body:
      reason === "REPEATED_FAILED_ATTEMPTS"
        ? "Someone entered wrong passwords or codes for your account several times. You can still sign in; if this was not you, consider changing your password."
        : "A signed-in session entered wrong passwords or codes several times and was signed out. If this was not you, change your password and contact the bank.",
  }),
  passwordChanged: (otherSessionsRevoked: number): RenderedNotification => ({
    kind: NotificationKind.PASSWORD_CHANGED,
    title: "Your password was changed",
    body:
      otherSessionsRevoked > 0
        ? `Your password was changed and ${otherSessionsRevoked} other session(s) were signed out. If this was not you, contact the bank.`
        : "Your password was changed. If this was not you, contact the bank.",
  }),
};
