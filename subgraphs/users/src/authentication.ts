// Password login with throttling (credential-checks.ts), MFA and no user enumeration.
import type { User } from "#kernel/generated/prisma/client.js";
import { ErrorCode, domainError } from "#kernel/errors.js";
import type { UsersContext } from "./context.js";
import type { UsersTx } from "./db.js";
import { acceptedTotpStep, isTotpCodeShape, recoveryCodeHash } from "./mfa.js";
import { admitCredentialAttempt, recordCredentialFailure, recordCredentialSuccess } from "./credential-checks.js";
import { verifyPassword } from "./passwords.js";
import { SecurityEventType } from "./security-events.js";
import { startSession } from "./sessions.js";
import { normaliseEmail } from "./users.js";

export interface LoginInput {
  email: string;
  password: string;
  totp?: string | null | undefined;
}

const invalidCredentials = () => domainError(ErrorCode.INVALID_CREDENTIALS, "Invalid email or password");

/**
 * Checks a one-time code or a recovery code against the user's MFA and consumes it (a TOTP step or a
 * recovery code is accepted once). Returns how it was satisfied, or null when the code is wrong.
 */
export async function consumeMfaCode(tx: UsersTx, context: Pick<UsersContext, "mfaBox">, user: User, code: string): Promise<"otp" | "recovery" | null> {
  if (!user.mfaSecretEncrypted) return null;
  if (isTotpCodeShape(code)) {
    const secret = context.mfaBox.open(user.mfaSecretEncrypted, user.id);
    const step = acceptedTotpStep(secret, code, user.mfaLastUsedStep);
    if (step === null) return null;
    // Conditional on the stored step, so two concurrent logins cannot both use one code.
    const { count } = await tx.user.updateMany({
      where: { id: user.id, OR: [{ mfaLastUsedStep: null }, { mfaLastUsedStep: { lt: step } }] },
      data: { mfaLastUsedStep: step },
    });
    return count === 1 ? "otp" : null;
  }
  const { count } = await tx.mfaRecoveryCode.updateMany({
    where: { userId: user.id, codeHash: recoveryCodeHash(code), usedAt: null },
    data: { usedAt: new Date() },
  });
  return count === 1 ? "recovery" : null;
}

export async function login(context: UsersContext, input: LoginInput) {
  const email = normaliseEmail(input.email);
  // Checked before the password, so a stopped address learns nothing even from the right password; the
  // account's progressive delay applies to unknown emails alike (no enumeration through timing).
  await admitCredentialAttempt(context, email);

  const user = await context.db.user.findUnique({ where: { email } });
  // Unknown email and wrong password take the same path (a decoy argon2 verification) and fail the same way.
  const valid = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !valid) {
    await recordCredentialFailure(context, { email, userId: user?.id ?? null, reason: user ? "wrong_password" : "unknown_email" });
    throw invalidCredentials();
  }
  // Only someone who knows the password learns that the user is locked (documented in docs/security.md).
  if (user.status !== "ACTIVE") throw domainError(ErrorCode.ACCOUNT_LOCKED, "This user is locked; contact the bank to unlock it");

  const amr = ["pwd"];
  let recoveryCodeUsed = false;
  if (user.mfaEnabled) {
    const code = input.totp?.trim();
    if (!code) throw domainError(ErrorCode.MFA_REQUIRED, "Enter the one-time code from your authenticator app (or a recovery code)");
    const method = await context.db.$transaction((tx) => consumeMfaCode(tx, context, user, code));
    if (!method) {
      await recordCredentialFailure(context, { email, userId: user.id, reason: "wrong_mfa_code" });
      throw domainError(ErrorCode.INVALID_MFA_CODE, "The one-time code is wrong, expired or already used");
    }
    amr.push("otp");
    recoveryCodeUsed = method === "recovery";
  }

  await recordCredentialSuccess(context, email);
  const payload = await startSession(context, user, amr, [
    { type: SecurityEventType.LOGIN_SUCCEEDED, details: { amr } },
    ...(recoveryCodeUsed ? [{ type: SecurityEventType.MFA_RECOVERY_CODE_USED }] : []),
  ]);
  context.log.info({ event: "login_succeeded", userId: user.id }, "login succeeded");
  return payload;
}
