import { requireCaller } from "#kernel/authz.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { publishRevocation, revokeUserSessionsInTx } from "../sessions.js";

export const logoutEverywhere: MutationResolvers["logoutEverywhere"] = async (_parent, _args, context) => {
  const caller = requireCaller(context.caller);
  const revoked = await context.db.$transaction(async (tx) => {
    const ids = await revokeUserSessionsInTx(tx, caller.userId, SecurityEventType.LOGGED_OUT_EVERYWHERE);
    await recordSecurityEvent(tx, {
      type: SecurityEventType.LOGGED_OUT_EVERYWHERE,
      userId: caller.userId,
      sessionId: caller.sessionId,
      client: context.client,
      details: { sessions: ids.length },
    });
    return ids;
  });
  await publishRevocation(context, caller.sessionId && !revoked.includes(caller.sessionId) ? [...revoked, caller.sessionId] : revoked);
  return revoked.length;
};
