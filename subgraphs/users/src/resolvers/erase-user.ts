import { requireRole } from "#kernel/authz.js";
import { forbidden, notFound } from "#kernel/errors.js";
import { isUuid } from "#kernel/batch.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { eraseUser as erase } from "../gdpr.js";
import { publishRevocation } from "../sessions.js";

export const RECENT_LOGIN_SECONDS = 15 * 60;

/** Admin only, and (router policy `recent_login`) only within 15 minutes of a password login. */
export const eraseUser: MutationResolvers["eraseUser"] = async (_parent, { id }, context) => {
  const admin = requireRole(context.caller, ["ADMIN"]);
  if (id === admin.userId) throw forbidden("Administrators cannot erase themselves");
  // Defence in depth for the router's `recent_login` policy: the session's password login must be recent.
  const session = admin.sessionId && isUuid(admin.sessionId) ? await context.db.session.findUnique({ where: { id: admin.sessionId } }) : null;
  if (!session || session.revokedAt || Date.now() - session.authTime.getTime() > RECENT_LOGIN_SECONDS * 1000) {
    throw forbidden("Erasing a user needs a password login in the last 15 minutes; sign in again");
  }
  if (!isUuid(id) || !(await context.db.user.findUnique({ where: { id }, select: { id: true } }))) throw notFound("No such user");
  const { user, revoked } = await erase(context, id, admin.userId);
  await publishRevocation(context, revoked);
  context.log.info({ event: "user_erased", userId: id }, "user erased");
  return user;
};
