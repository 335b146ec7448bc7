// The users domain's security events, written in the same transaction as the change they describe, and each
// one also to the users outbox as `users.security.recorded` for the audit trail (docs/audit.md). Never
// secrets, never the email someone tried.
// The ones other domains care about are also appended to the users outbox (docs/events.md), in the same
// transaction.
import { redactAuditDetails } from "#domain/audit-trail.js";
import { appendOutboxEvent } from "#domain/events.js";
import type { Prisma } from "#kernel/generated/prisma/client.js";
import type { UsersDb, UsersTx } from "./db.js";

export const SecurityEventType = {
  USER_REGISTERED: "USER_REGISTERED",
  USER_CREATED: "USER_CREATED",
  LOGIN_SUCCEEDED: "LOGIN_SUCCEEDED",
  LOGIN_FAILED: "LOGIN_FAILED",
  /** An address reached a hard stop (per address, or per account and address); the user is not locked. */
  LOCKED_OUT: "LOCKED_OUT",
  /** A signed-in session gave a wrong current password or one-time code (step-up). */
  STEP_UP_FAILED: "STEP_UP_FAILED",
  /** The account's failures from every address reached the alert threshold: the owner is told. */
  REPEATED_FAILURES: "REPEATED_FAILURES",
  /** A session gave too many wrong passwords or codes and was revoked. */
  SESSION_REVOKED_AFTER_FAILURES: "SESSION_REVOKED_AFTER_FAILURES",
  REFRESH_TOKEN_REUSED: "REFRESH_TOKEN_REUSED",
  LOGGED_OUT: "LOGGED_OUT",
  LOGGED_OUT_EVERYWHERE: "LOGGED_OUT_EVERYWHERE",
  MFA_ENROLLMENT_STARTED: "MFA_ENROLLMENT_STARTED",
  MFA_ENABLED: "MFA_ENABLED",
  MFA_DISABLED: "MFA_DISABLED",
  MFA_RECOVERY_CODE_USED: "MFA_RECOVERY_CODE_USED",
  PASSWORD_CHANGED: "PASSWORD_CHANGED",
  PROFILE_UPDATED: "PROFILE_UPDATED",
  USER_LOCKED: "USER_LOCKED",
  USER_UNLOCKED: "USER_UNLOCKED",
  USER_ERASED: "USER_ERASED",
  SIGNING_KEY_ROTATED: "SIGNING_KEY_ROTATED",
} as const;
export type SecurityEventType = (typeof SecurityEventType)[keyof typeof SecurityEventType];

export interface SecurityEventInput {
  type: SecurityEventType;
  userId?: string | null;
  actorId?: string | null;
  sessionId?: string | null;
  client?: { ip: string | null; userAgent: string | null };
  details?: Prisma.InputJsonObject;
}

export async function recordSecurityEvent(tx: UsersTx, event: SecurityEventInput): Promise<void> {
  await tx.securityEvent.create({
    data: {
      type: event.type,
      userId: event.userId ?? null,
      actorId: event.actorId ?? null,
      sessionId: event.sessionId ?? null,
      ip: event.client?.ip ?? null,
      userAgent: event.client?.userAgent ?? null,
      details: event.details ?? {},
    },
  });
  await appendSecurityOutboxEvent(tx, event);
  await appendAuditSecurityEvent(tx, event);
}

/** Every security event, for the audit trail (the consumers of the typed events above ignore it). */
async function appendAuditSecurityEvent(tx: Pick<UsersTx, "$executeRaw">, event: SecurityEventInput): Promise<void> {
  await appendOutboxEvent(tx, "users", {
    type: "users.security.recorded",
    aggregateId: event.userId ?? event.actorId ?? "system",
    actor: null,
    requestId: null,
    payload: {
      type: event.type,
      userId: event.userId ?? null,
      actorId: event.actorId ?? null,
      sessionId: event.sessionId ?? null,
      clientIp: event.client?.ip?.slice(0, 100) ?? null,
      userAgent: event.client?.userAgent?.slice(0, 512) ?? null,
      details: redactAuditDetails(event.details ?? {}) as Record<string, unknown>,
    },
  });
}

/**
 * Records SIGNING_KEY_ROTATED (keys.ts) when the active signing key changed, and its audit event, in one
 * transaction.
 */
export async function recordSigningKeyRotation(
  db: Pick<UsersDb, "$transaction">,
  record: (tx: UsersTx) => Promise<boolean>,
  kid: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (await record(tx)) await appendAuditSecurityEvent(tx, { type: SecurityEventType.SIGNING_KEY_ROTATED, details: { kid } });
  });
}

/** Security-event failure reasons → the event's reason (unknown e-mail addresses have no user, so no event). */
const LOGIN_FAILURE_REASONS: Record<string, "INVALID_CREDENTIALS" | "INVALID_MFA_CODE" | "ACCOUNT_LOCKED"> = {
  wrong_password: "INVALID_CREDENTIALS",
  wrong_mfa_code: "INVALID_MFA_CODE",
  locked: "ACCOUNT_LOCKED",
};

/**
 * A device is "new" when the user had sessions before but none started with this user agent. A user's very
 * first session is not "new" (there is nothing to compare with, and it would alert on every sign-up).
 */
async function isNewDevice(tx: UsersTx, userId: string, userAgent: string | null | undefined, exceptSessionId: string | null) {
  const others = exceptSessionId ? { id: { not: exceptSessionId } } : {};
  const earlier = await tx.session.count({ where: { userId, ...others } });
  if (earlier === 0) return false;
  const seen = await tx.session.count({ where: { userId, userAgent: userAgent ?? null, ...others } });
  return seen === 0;
}

/** The outbox event of a security event, when it has one (payloads carry ids only: no IP, no user agent). */
async function appendSecurityOutboxEvent(tx: UsersTx, event: SecurityEventInput): Promise<void> {
  const userId = event.userId;
  if (!userId) return;
  const details = (event.details ?? {}) as Record<string, unknown>;
  const base = { aggregateId: userId, actor: null, requestId: null };
  switch (event.type) {
    case SecurityEventType.LOGIN_SUCCEEDED: {
      if (!event.sessionId) return;
      const amr = Array.isArray(details.amr) ? details.amr : [];
      const newDevice = details.via === "register" ? false : await isNewDevice(tx, userId, event.client?.userAgent, event.sessionId);
      await appendOutboxEvent(tx, "users", {
        type: "users.login.succeeded", ...base,
        payload: { userId, sessionId: event.sessionId, newDevice, mfa: amr.includes("otp") },
      });
      return;
    }
    case SecurityEventType.LOGIN_FAILED: {
      const reason = LOGIN_FAILURE_REASONS[String(details.reason ?? "")];
      if (!reason) return;
      const newDevice = await isNewDevice(tx, userId, event.client?.userAgent, null);
      await appendOutboxEvent(tx, "users", {
        type: "users.login.failed", ...base,
        payload: { userId, reason, newDevice },
      });
      return;
    }
    case SecurityEventType.MFA_ENROLLMENT_STARTED:
      await appendOutboxEvent(tx, "users", { type: "users.mfa.enrollment_started", ...base, payload: { userId } });
      return;
    case SecurityEventType.REPEATED_FAILURES:
    case SecurityEventType.SESSION_REVOKED_AFTER_FAILURES:
      await appendOutboxEvent(tx, "users", {
        type: "users.security.alert", ...base,
        payload: {
          userId,
          reason: event.type === SecurityEventType.REPEATED_FAILURES ? "REPEATED_FAILED_ATTEMPTS" : "SESSION_REVOKED_AFTER_FAILURES",
          failures: Number(details.failures ?? 0),
        },
      });
      return;
    case SecurityEventType.MFA_ENABLED:
      await appendOutboxEvent(tx, "users", { type: "users.mfa.enabled", ...base, payload: { userId } });
      return;
    case SecurityEventType.MFA_DISABLED:
      await appendOutboxEvent(tx, "users", { type: "users.mfa.disabled", ...base, payload: { userId } });
      return;
    case SecurityEventType.PASSWORD_CHANGED:
      await appendOutboxEvent(tx, "users", {
        type: "users.password.changed", ...base,
        payload: { userId, otherSessionsRevoked: Number(details.otherSessionsRevoked ?? 0) },
      });
      return;
    case SecurityEventType.LOCKED_OUT:
    case SecurityEventType.USER_LOCKED:
      await appendOutboxEvent(tx, "users", {
        type: "users.user.locked", ...base,
        payload: { userId, reason: event.type === SecurityEventType.LOCKED_OUT ? "TOO_MANY_ATTEMPTS" : "STAFF" },
      });
      return;
    case SecurityEventType.REFRESH_TOKEN_REUSED:
      if (!event.sessionId) return;
      await appendOutboxEvent(tx, "users", {
        type: "users.refresh_token.reuse_detected", ...base,
        payload: { userId, sessionId: event.sessionId },
      });
      return;
    default:
      return;
  }
}
