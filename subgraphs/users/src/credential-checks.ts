// Every check of a password or a one-time code (login, step-up, MFA changes) goes through here, so they all
// count toward the same failures (throttle.ts): per (account, address) and per address with hard stops, per
// account a progressive delay. A failure made with an access token also counts toward that session: after a
// few, the session is revoked (a stolen token must not become a password oracle).
import { setTimeout as sleep } from "node:timers/promises";
import { ErrorCode, domainError } from "#kernel/errors.js";
import type { UsersContext } from "./context.js";
import { recordSecurityEvent, SecurityEventType } from "./security-events.js";
import { publishRevocation, revokeUserSessionsInTx } from "./sessions.js";

export interface StepUpSettings {
  /** A login this recent (its `auth_time`) stands in for the current password. */
  maxAgeSeconds: number;
  /** Wrong passwords or codes made with one session before it is revoked. */
  maxFailuresPerSession: number;
}

/** Wrong passwords and codes counted against one signed-in session (3 revoke it). */
const sessionFailuresKey = (sessionId: string) => `stepup:fail:${sessionId}`;

export function tooManyAttempts(retryAfterSeconds: number) {
  return domainError(ErrorCode.TOO_MANY_ATTEMPTS, `Too many failed attempts; try again in ${retryAfterSeconds} seconds`, {
    retryAfterSeconds,
  });
}

/**
 * Refuses the attempt when this address is stopped for the account (or altogether), and otherwise holds it
 * for the account's progressive delay. Call before verifying anything, for unknown emails too.
 */
export async function admitCredentialAttempt(context: UsersContext, email: string): Promise<void> {
  const { retryAfterSeconds, delayMs } = await context.throttle.check(email, context.client.ip);
  if (retryAfterSeconds > 0) throw tooManyAttempts(retryAfterSeconds);
  if (delayMs > 0) await sleep(delayMs);
}

export type FailureReason = "unknown_email" | "wrong_password" | "wrong_mfa_code";

export interface CredentialFailure {
  email: string;
  userId: string | null;
  reason: FailureReason;
  /** Set when the check was made by a signed-in session (step-up): the failure counts toward it too. */
  sessionId?: string | null;
}

/**
 * Counts a failed check and records it. For a signed-in session that reached its allowance, revokes the
 * session and throws UNAUTHENTICATED; otherwise returns and the caller throws its own error.
 */
export async function recordCredentialFailure(context: UsersContext, failure: CredentialFailure): Promise<void> {
  const { lockedOutNow, addressStoppedNow, accountFailures, alertOwnerNow } = await context.throttle.recordFailure(failure.email, context.client.ip);
  const sessionId = failure.sessionId ?? null;
  const sessionFailures = sessionId
    ? await context.store.increment(sessionFailuresKey(sessionId), context.throttle.settings.windowSeconds)
    : 0;
  const revokeSession = sessionId !== null && failure.userId !== null && sessionFailures >= context.stepUp.maxFailuresPerSession;
  const { userId } = failure;
  const revoked = await context.db.$transaction(async (tx) => {
    const type = sessionId ? SecurityEventType.STEP_UP_FAILED : SecurityEventType.LOGIN_FAILED;
    await recordSecurityEvent(tx, { type, userId, sessionId, client: context.client, details: { reason: failure.reason } });
    if (lockedOutNow) {
      await recordSecurityEvent(tx, { type: SecurityEventType.LOCKED_OUT, userId, client: context.client, details: { scope: "account_address" } });
    }
    // The address is stopped for everyone: recorded without a user, so no account is reported locked.
    if (addressStoppedNow) {
      await recordSecurityEvent(tx, { type: SecurityEventType.LOCKED_OUT, userId: null, client: context.client, details: { scope: "address" } });
    }
    if (alertOwnerNow && userId) {
      await recordSecurityEvent(tx, { type: SecurityEventType.REPEATED_FAILURES, userId, client: context.client, details: { failures: accountFailures } });
    }
    if (!revokeSession) return [];
    const ids = await revokeUserSessionsInTx(tx, userId!, SecurityEventType.SESSION_REVOKED_AFTER_FAILURES, { only: sessionId! });
    await recordSecurityEvent(tx, {
      type: SecurityEventType.SESSION_REVOKED_AFTER_FAILURES,
      userId,
      sessionId,
      client: context.client,
      details: { failures: sessionFailures },
    });
    return ids;
  });
  context.log.info({ event: "credential_check_failed", reason: failure.reason, lockedOutNow, addressStoppedNow, accountFailures, sessionRevoked: revokeSession }, "credential check failed");
  if (revokeSession) {
    // The token's session is revoked at the routers even if no open session row matched it.
    await publishRevocation(context, [...new Set([...revoked, sessionId!])]);
    throw domainError(ErrorCode.UNAUTHENTICATED, "Too many wrong passwords or codes: this session has been signed out");
  }
}

/**
 * A check that succeeded clears this address's failures on the account, and the session's own count (only
 * someone who knows the password or holds the authenticator gets here).
 */
export async function recordCredentialSuccess(context: UsersContext, email: string, sessionId?: string | null): Promise<void> {
  await context.throttle.recordSuccess(email, context.client.ip);
  if (sessionId) await context.store.delete(sessionFailuresKey(sessionId));
}
