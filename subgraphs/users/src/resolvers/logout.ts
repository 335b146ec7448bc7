import { requireCaller } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { publishRevocation, revokeUserSessionsInTx } from "../sessions.js";

export const logout: MutationResolvers["logout"] = async (_parent, _args, context) => {
  const caller = requireCaller(context.caller);
  if (!caller.sessionId) throw badUserInput("This access token belongs to no session");
  const sessionId = caller.sessionId;
  const revoked = await context.db.$transaction(async (tx) => {
    const ids = await revokeUserSessionsInTx(tx, caller.userId, SecurityEventType.LOGGED_OUT, { only: sessionId });
    await recordSecurityEvent(tx, { type: SecurityEventType.LOGGED_OUT, userId: caller.userId, sessionId, client: context.client });
    return ids;
  });
  // Published even when the row was already revoked: the access token must stop working in any case.
  await publishRevocation(context, revoked.length ? revoked : [sessionId]);
  return true;
};
