import { ErrorCode, domainError } from "../../../../kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { acceptedTotpStep } from "../mfa.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { signedInUser } from "./signed-in-user.js";

/** Enables MFA once the user proves, with a current code, that their authenticator holds the secret. */
export const confirmMfa: MutationResolvers["confirmMfa"] = async (_parent, { code }, context) => {
  const { user } = await signedInUser(context);
  if (user.mfaEnabled) throw domainError(ErrorCode.INVALID_STATE, "MFA is already enabled");
  if (!user.mfaSecretEncrypted) throw domainError(ErrorCode.INVALID_STATE, "Start with enrollMfa");
  const step = acceptedTotpStep(context.mfaBox.open(user.mfaSecretEncrypted, user.id), code, user.mfaLastUsedStep);
  if (step === null) throw domainError(ErrorCode.INVALID_MFA_CODE, "The one-time code is wrong or expired");
  return context.db.$transaction(async (tx) => {
    const updated = await tx.user.update({ where: { id: user.id }, data: { mfaEnabled: true, mfaLastUsedStep: step } });
    await recordSecurityEvent(tx, { type: SecurityEventType.MFA_ENABLED, userId: user.id, sessionId: context.caller?.sessionId, client: context.client });
    return updated;
  });
};
