import { ErrorCode, domainError } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash } from "../mfa.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { requireStepUp } from "../step-up.js";
import { signedInUser } from "./signed-in-user.js";

/**
 * Starts (or restarts) enrollment: the secret and recovery codes are returned only here, only once. Needs
 * step-up: with a token alone an attacker would bind their own authenticator and lock the owner out.
 */
export const enrollMfa: MutationResolvers["enrollMfa"] = async (_parent, { currentPassword }, context) => {
  const { caller, user } = await signedInUser(context);
  if (user.mfaEnabled) throw domainError(ErrorCode.INVALID_STATE, "MFA is already enabled; disable it first to enroll a new device");
  await requireStepUp(context, caller, user, { currentPassword }, "Setting up two-factor authentication");
  const { secret, otpauthUri } = newTotpSecret(user.email);
  const recoveryCodes = newRecoveryCodes();
  await context.db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { mfaSecretEncrypted: context.mfaBox.seal(secret, user.id), mfaLastUsedStep: null },
    });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.mfaRecoveryCode.createMany({ data: recoveryCodes.map((code) => ({ userId: user.id, codeHash: recoveryCodeHash(code) })) });
    await recordSecurityEvent(tx, { type: SecurityEventType.MFA_ENROLLMENT_STARTED, userId: user.id, sessionId: caller.sessionId, client: context.client });
  });
  return { otpauthUri, secret, recoveryCodes };
};
