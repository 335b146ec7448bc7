import { ErrorCode, domainError } from "../../../../kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { verifyPassword } from "../passwords.js";
import { issueAccessToken } from "../tokens.js";
import { normaliseEmail } from "../users.js";

export const login: MutationResolvers["login"] = async (_parent, { email, password }, context) => {
  const { db, signingKey, tokenSettings, log } = context;
  const user = await db.user.findUnique({ where: { email: normaliseEmail(email) } });
  // Unknown email and wrong password take the same path and fail the same way: no user enumeration.
  const valid = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !valid) {
    log.info({ event: "login_failed" }, "login failed");
    throw domainError(ErrorCode.INVALID_CREDENTIALS, "Invalid email or password");
  }
  if (user.status !== "ACTIVE") {
    throw domainError(ErrorCode.ACCOUNT_LOCKED, "This user is locked; contact the bank to unlock it");
  }
  const token = await issueAccessToken(signingKey, tokenSettings, { userId: user.id, role: user.role });
  context.signedInUserId = user.id;
  log.info({ event: "login_succeeded", userId: user.id }, "login succeeded");
  return { ...token, user };
};
