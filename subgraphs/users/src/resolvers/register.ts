import type { MutationResolvers } from "../generated/resolvers-types.js";
import { recordSecurityEvent, SecurityEventType } from "../security-events.js";
import { startSession } from "../sessions.js";
import { createUserChecked } from "../users.js";

/**
 * Self-registration always creates a CUSTOMER. A taken email answers EMAIL_TAKEN: without an email
 * verification channel a sign-up cannot both hide that and sign the user in (see docs/security.md).
 */
export const register: MutationResolvers["register"] = async (_parent, { input }, context) => {
  const user = await context.db.$transaction(async (tx) => {
    const created = await createUserChecked(tx, { ...input, role: "CUSTOMER" }, context.commonPasswords);
    await recordSecurityEvent(tx, { type: SecurityEventType.USER_REGISTERED, userId: created.id, client: context.client });
    return created;
  });
  context.log.info({ event: "user_registered", userId: user.id }, "user registered");
  return startSession(context, user, ["pwd"], [{ type: SecurityEventType.LOGIN_SUCCEEDED, details: { amr: ["pwd"], via: "register" } }]);
};
