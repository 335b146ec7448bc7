// Step-up for security-sensitive changes (MFA enrolment, confirmation and removal, recovery codes, password):
// an access token alone is not enough. The caller proves again who they are with the current password (plus
// a one-time code when MFA is on), or has signed in with a password within the last few minutes (the
// token's `auth_time`, set at login and kept across refreshes). Otherwise REAUTHENTICATION_REQUIRED.
// Wrong passwords and codes count like failed logins, and toward the session (credential-checks.ts).
import type { Caller } from "#kernel/identity.js";
import type { User } from "#kernel/generated/prisma/client.js";
import { ErrorCode, domainError } from "#kernel/errors.js";
import { consumeMfaCode } from "./authentication.js";
import type { UsersContext } from "./context.js";
import { admitCredentialAttempt, recordCredentialFailure, recordCredentialSuccess } from "./credential-checks.js";
import { verifyPassword } from "./passwords.js";

export interface StepUpProof {
  currentPassword?: string | null | undefined;
  /** A one-time or recovery code, needed with the password when MFA is on. */
  totp?: string | null | undefined;
}

export interface StepUpOptions {
  /** The change always needs the current password (changePassword), a recent login only spares the code. */
  passwordRequired?: boolean;
  /** The mutation checks a one-time code of its own (disableMfa): no second code is asked for. */
  codeCheckedByMutation?: boolean;
}

/** True when the session's password login happened within the step-up window. */
export function hasRecentLogin(context: Pick<UsersContext, "stepUp">, caller: Caller, now = Date.now()): boolean {
  if (typeof caller.authTime !== "number") return false;
  const age = now / 1000 - caller.authTime;
  return age >= -60 && age <= context.stepUp.maxAgeSeconds;
}

function reauthenticationRequired(context: Pick<UsersContext, "stepUp">, what: string) {
  return domainError(
    ErrorCode.REAUTHENTICATION_REQUIRED,
    `${what}: confirm with your current password (and a one-time code when two-factor authentication is on), or sign in again`,
    { maxAgeSeconds: context.stepUp.maxAgeSeconds },
  );
}

/** Checks a password given by a signed-in caller, counting a wrong one. */
export async function checkCurrentPassword(context: UsersContext, caller: Caller, user: User, password: string): Promise<void> {
  await admitCredentialAttempt(context, user.email);
  if (await verifyPassword(user.passwordHash, password)) {
    await recordCredentialSuccess(context, user.email, caller.sessionId);
    return;
  }
  await recordCredentialFailure(context, { email: user.email, userId: user.id, reason: "wrong_password", sessionId: caller.sessionId });
  throw domainError(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong", { field: "currentPassword" });
}

/** Checks and consumes a one-time or recovery code given by a signed-in caller, counting a wrong one. */
export async function checkMfaCode(context: UsersContext, caller: Caller, user: User, code: string): Promise<"otp" | "recovery"> {
  await admitCredentialAttempt(context, user.email);
  const method = await context.db.$transaction((tx) => consumeMfaCode(tx, context, user, code.trim()));
  if (method) return method;
  await recordCredentialFailure(context, { email: user.email, userId: user.id, reason: "wrong_mfa_code", sessionId: caller.sessionId });
  throw domainError(ErrorCode.INVALID_MFA_CODE, "The one-time code is wrong, expired or already used");
}

/** Throws unless the caller has stepped up for `what` (see the file comment). */
export async function requireStepUp(
  context: UsersContext,
  caller: Caller,
  user: User,
  proof: StepUpProof,
  what: string,
  options: StepUpOptions = {},
): Promise<void> {
  const recent = hasRecentLogin(context, caller);
  const password = proof.currentPassword ?? "";
  if (password === "") {
    if (options.passwordRequired || !recent) throw reauthenticationRequired(context, what);
    return;
  }
  await checkCurrentPassword(context, caller, user, password);
  if (!user.mfaEnabled || options.codeCheckedByMutation || recent) return;
  const code = proof.totp?.trim();
  if (!code) throw domainError(ErrorCode.MFA_REQUIRED, `${what}: enter a one-time code from your authenticator app as well`, { field: "totp" });
  await checkMfaCode(context, caller, user, code);
}
