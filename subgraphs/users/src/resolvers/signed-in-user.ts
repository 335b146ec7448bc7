import { requireCaller } from "#kernel/authz.js";
import { unauthenticated } from "#kernel/errors.js";
import type { UsersContext } from "../context.js";

/** The signed-in user's row, read fresh (password and MFA state must not come from a cache). */
export async function signedInUser(context: UsersContext) {
  const caller = requireCaller(context.caller);
  const user = await context.db.user.findUnique({ where: { id: caller.userId } });
  if (!user) throw unauthenticated("The signed-in user no longer exists");
  return { caller, user };
}
