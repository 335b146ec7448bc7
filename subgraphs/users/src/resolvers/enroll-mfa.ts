import { ErrorCode, domainError } from "../../../../kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash } from "../mfa.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { signedInUser } from "./signed-in-user.js";

/** Starts (or restarts) enrollment: the secret and recovery codes are returned only here, only once. */
export const enrollMfa: MutationResolvers["enrollMfa"] = async (_parent, _args, context) => {
  const { user } = await signedInUser(context);
  if (user.mfaEnabled) throw domainError(ErrorCode.INVALID_STATE, "MFA is already enabled; disable it first to enroll a new device");
  const { secret, otpauthUri } = newTotpSecret(user.email);
  const recoveryCodes = newRecoveryCodes();
  await context.db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { mfaSecretEncrypted: context.mfaBox.seal(secret, user.id), mfaLastUsedStep: null },
    });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.mfaRecoveryCode.createMany({ data: recoveryCodes.map((code) => ({ userId: user.id, codeHash: recoveryCodeHash(code) })) });
    await recordSecurityEvent(tx, { type: SecurityEventType.MFA_ENROLLMENT_STARTED, userId: user.id, sessionId: context.caller?.sessionId, client: context.client });
  });
  return { otpauthUri, secret, recoveryCodes };
};
