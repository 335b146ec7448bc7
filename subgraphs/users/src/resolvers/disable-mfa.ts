import { ErrorCode, domainError } from "../../../../kernel/errors.js";
import { consumeMfaCode } from "../authentication.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { signedInUser } from "./signed-in-user.js";

/** Turns MFA off; a stolen access token alone is not enough, it takes a current code or a recovery code. */
export const disableMfa: MutationResolvers["disableMfa"] = async (_parent, { code }, context) => {
  const { user } = await signedInUser(context);
  if (!user.mfaEnabled) throw domainError(ErrorCode.INVALID_STATE, "MFA is not enabled");
  const result = await context.db.$transaction(async (tx) => {
    const method = await consumeMfaCode(tx, context, user, code);
    if (!method) return null;
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { mfaEnabled: false, mfaSecretEncrypted: null, mfaLastUsedStep: null },
    });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await recordSecurityEvent(tx, {
      type: SecurityEventType.MFA_DISABLED,
      userId: user.id,
      sessionId: context.caller?.sessionId,
      client: context.client,
      details: { method },
    });
    return updated;
  });
  if (!result) throw domainError(ErrorCode.INVALID_MFA_CODE, "The one-time code is wrong, expired or already used");
  return result;
};
