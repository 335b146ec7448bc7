import { requireRole } from "#kernel/authz.js";
import { badUserInput, forbidden, notFound } from "#kernel/errors.js";
import { isUuid } from "#kernel/batch.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { publishRevocation, revokeUserSessionsInTx } from "../sessions.js";

/** Locking a user ends all their sessions at once; unlocking lets them sign in again. */
export const setUserStatus: MutationResolvers["setUserStatus"] = async (_parent, { id, status, reason }, context) => {
  const admin = requireRole(context.caller, ["ADMIN"]);
  if (!reason.trim()) throw badUserInput("Give a reason", { field: "reason" });
  if (id === admin.userId) throw forbidden("Administrators cannot change their own status");
  if (!isUuid(id)) throw notFound("No such user");
  const { user, revoked } = await context.db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { id } });
    if (!existing) throw notFound("No such user");
    if (existing.erasedAt && status === "ACTIVE") throw forbidden("An erased user cannot be unlocked");
    const user = await tx.user.update({ where: { id }, data: { status } });
    const revoked = status === "LOCKED" ? await revokeUserSessionsInTx(tx, id, SecurityEventType.USER_LOCKED) : [];
    await recordSecurityEvent(tx, {
      type: status === "LOCKED" ? SecurityEventType.USER_LOCKED : SecurityEventType.USER_UNLOCKED,
      userId: id,
      actorId: admin.userId,
      client: context.client,
      details: { reason: reason.trim().slice(0, 500), sessionsRevoked: revoked.length },
    });
    return { user, revoked };
  });
  await publishRevocation(context, revoked);
  return user;
};
