import { ErrorCode, domainError } from "../../../../kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { hashPassword, verifyPassword } from "../passwords.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { publishRevocation, revokeUserSessionsInTx } from "../sessions.js";
import { assertStrongPassword } from "../users.js";
import { signedInUser } from "./signed-in-user.js";

/** Needs the current password; ends every other session (a thief holding one loses it). */
export const changePassword: MutationResolvers["changePassword"] = async (_parent, { currentPassword, newPassword }, context) => {
  const { caller, user } = await signedInUser(context);
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw domainError(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong");
  }
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
