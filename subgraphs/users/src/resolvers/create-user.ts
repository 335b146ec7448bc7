import { requireRole } from "#kernel/authz.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { createUserChecked } from "../users.js";

export const createUser: MutationResolvers["createUser"] = async (_parent, { input }, context) => {
  const admin = requireRole(context.caller, ["ADMIN"]);
  return context.db.$transaction(async (tx) => {
    const user = await createUserChecked(tx, input, context.commonPasswords);
    await recordSecurityEvent(tx, {
      type: SecurityEventType.USER_CREATED,
      userId: user.id,
      actorId: admin.userId,
      client: context.client,
      details: { role: user.role },
    });
    return user;
  });
};
