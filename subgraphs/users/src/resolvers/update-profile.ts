import { requireCaller } from "#kernel/authz.js";
import { unauthenticated } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { validName } from "../users.js";

export const updateProfile: MutationResolvers["updateProfile"] = async (_parent, { input }, context) => {
  const caller = requireCaller(context.caller);
  const data = { ...(input.name != null ? { name: validName(input.name) } : {}) };
  return context.db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { id: caller.userId } });
    if (!existing) throw unauthenticated("The signed-in user no longer exists");
    if (Object.keys(data).length === 0) return existing;
    const user = await tx.user.update({ where: { id: caller.userId }, data });
    await recordSecurityEvent(tx, {
      type: SecurityEventType.PROFILE_UPDATED,
      userId: caller.userId,
      sessionId: caller.sessionId,
      client: context.client,
      details: { fields: Object.keys(data) },
    });
    return user;
  });
};
