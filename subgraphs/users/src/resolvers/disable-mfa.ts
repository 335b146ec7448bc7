import { ErrorCode, domainError } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { checkMfaCode, requireStepUp } from "../step-up.js";
import { signedInUser } from "./signed-in-user.js";

/**
 * Turns MFA off; a stolen access token alone is not enough: it takes a current code or a recovery code and
 * step-up (the current password or a recent login). Wrong codes count like failed logins.
 */
export const disableMfa: MutationResolvers["disableMfa"] = async (_parent, { code, currentPassword }, context) => {
  const { caller, user } = await signedInUser(context);
  if (!user.mfaEnabled) throw domainError(ErrorCode.INVALID_STATE, "MFA is not enabled");
  await requireStepUp(context, caller, user, { currentPassword }, "Turning off two-factor authentication", { codeCheckedByMutation: true });
  const method = await checkMfaCode(context, caller, user, code);
  return context.db.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { mfaEnabled: false, mfaSecretEncrypted: null, mfaLastUsedStep: null },
    });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await recordSecurityEvent(tx, {
      type: SecurityEventType.MFA_DISABLED,
      userId: user.id,
      sessionId: caller.sessionId,
      client: context.client,
      details: { method },
    });
    return updated;
  });
};
