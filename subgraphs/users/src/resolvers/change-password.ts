import { ErrorCode, domainError } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { hashPassword, verifyPassword } from "../passwords.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { publishRevocation, revokeUserSessionsInTx } from "../sessions.js";
import { requireStepUp } from "../step-up.js";
import { assertStrongPassword } from "../users.js";
import { signedInUser } from "./signed-in-user.js";

/**
 * Needs the current password (counted like a login: a stolen token is no password oracle) and, with MFA, a
 * code unless the login is recent; ends every other session (a thief holding one loses it).
 */
export const changePassword: MutationResolvers["changePassword"] = async (_parent, { currentPassword, newPassword, totp }, context) => {
  const { caller, user } = await signedInUser(context);
  await requireStepUp(context, caller, user, { currentPassword, totp }, "Changing the password", { passwordRequired: true });
  assertStrongPassword(newPassword, user.email, context.commonPasswords);
  if (await verifyPassword(user.passwordHash, newPassword)) {
    throw domainError(ErrorCode.WEAK_PASSWORD, "The new password must differ from the current one", { field: "newPassword" });
  }
  const passwordHash = await hashPassword(newPassword);
  const revoked = await context.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } });
    const ids = await revokeUserSessionsInTx(tx, user.id, SecurityEventType.PASSWORD_CHANGED, { except: caller.sessionId });
    await recordSecurityEvent(tx, {
      type: SecurityEventType.PASSWORD_CHANGED,
      userId: user.id,
      sessionId: caller.sessionId,
      client: context.client,
      details: { otherSessionsRevoked: ids.length },
    });
    return ids;
  });
  await publishRevocation(context, revoked);
  return true;
};
