import { ErrorCode, domainError } from "#kernel/errors.js";
import { admitCredentialAttempt, recordCredentialFailure } from "../credential-checks.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { acceptedTotpStep } from "../mfa.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { requireStepUp } from "../step-up.js";
import { signedInUser } from "./signed-in-user.js";

/** Enables MFA once the user proves, with a current code, that their authenticator holds the secret. */
export const confirmMfa: MutationResolvers["confirmMfa"] = async (_parent, { code, currentPassword }, context) => {
  const { caller, user } = await signedInUser(context);
  if (user.mfaEnabled) throw domainError(ErrorCode.INVALID_STATE, "MFA is already enabled");
  if (!user.mfaSecretEncrypted) throw domainError(ErrorCode.INVALID_STATE, "Start with enrollMfa");
  await requireStepUp(context, caller, user, { currentPassword }, "Turning on two-factor authentication");
  await admitCredentialAttempt(context, user.email);
  const step = acceptedTotpStep(context.mfaBox.open(user.mfaSecretEncrypted, user.id), code, user.mfaLastUsedStep);
  if (step === null) {
    await recordCredentialFailure(context, { email: user.email, userId: user.id, reason: "wrong_mfa_code", sessionId: caller.sessionId });
    throw domainError(ErrorCode.INVALID_MFA_CODE, "The one-time code is wrong or expired");
  }
  return context.db.$transaction(async (tx) => {
    const updated = await tx.user.update({ where: { id: user.id }, data: { mfaEnabled: true, mfaLastUsedStep: step } });
    await recordSecurityEvent(tx, { type: SecurityEventType.MFA_ENABLED, userId: user.id, sessionId: caller.sessionId, client: context.client });
    return updated;
  });
};
