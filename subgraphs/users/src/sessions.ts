// Login sessions and their refresh-token families. A session's id is the `sid` of every access token it
// issues. Refresh tokens rotate on every use; a used token presented again means it was stolen (or the
// client is broken), so the whole session is revoked (OAuth 2.0 Security BCP, refresh token rotation).
import { isUuid } from "#kernel/batch.js";
import type { User } from "#kernel/generated/prisma/client.js";
import { ErrorCode, domainError } from "#kernel/errors.js";
import { revokeSessions } from "#kernel/revocation.js";
import type { UsersContext } from "./context.js";
import type { UsersTx } from "./db.js";
import { recordSecurityEvent, SecurityEventType, type SecurityEventInput } from "./security-events.js";
import { issueAccessToken, newRefreshToken, sha256Hex } from "./tokens.js";

/** Revocation entries outlive every access token of the session (plus clock skew). */
function revocationTtl(context: Pick<UsersContext, "tokenSettings">): number {
  return context.tokenSettings.ttlSeconds + 60;
}

async function addRefreshToken(tx: UsersTx, context: Pick<UsersContext, "tokenSettings">, sessionId: string): Promise<string> {
  const token = newRefreshToken();
  await tx.refreshToken.create({
    data: {
      sessionId,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + context.tokenSettings.refreshTtlSeconds * 1000),
    },
  });
  return token;
}

async function authPayload(context: UsersContext, user: User, session: { id: string; authTime: Date; amr: string[] }, refreshToken: string) {
  const access = await issueAccessToken(context.keyring.active, context.tokenSettings, {
    userId: user.id,
    role: user.role,
    sessionId: session.id,
    authTime: session.authTime,
    amr: session.amr,
  });
  context.signedInUserId = user.id;
  return { ...access, refreshToken, user };
}

/**
 * Starts a session after a successful login or registration and returns its tokens. `events` are written in
 * the same transaction (with the new session's id).
 */
export async function startSession(
  context: UsersContext,
  user: User,
  amr: string[],
  events: Omit<SecurityEventInput, "sessionId" | "userId" | "client">[],
  beforeCommit?: (tx: UsersTx) => Promise<void>,
) {
  const { session, refreshToken } = await context.db.$transaction(async (tx) => {
    await beforeCommit?.(tx);
    const session = await tx.session.create({
      data: { userId: user.id, authTime: new Date(), amr, ip: context.client.ip, userAgent: context.client.userAgent },
    });
    const refreshToken = await addRefreshToken(tx, context, session.id);
    for (const event of events) {
      await recordSecurityEvent(tx, { ...event, userId: user.id, sessionId: session.id, client: context.client });
    }
    return { session, refreshToken };
  });
  return authPayload(context, user, session, refreshToken);
}

const invalidRefreshToken = () =>
  domainError(ErrorCode.INVALID_REFRESH_TOKEN, "The refresh token is invalid, expired or already used; sign in again");

/** Exchanges a refresh token for new tokens, detecting reuse. */
export async function rotateRefreshToken(context: UsersContext, token: string) {
  const outcome = await context.db.$transaction(async (tx) => {
    const stored = await tx.refreshToken.findUnique({
      where: { tokenHash: sha256Hex(token) },
      include: { session: { include: { user: true } } },
    });
    if (!stored) return { kind: "invalid" as const };
    const { session } = stored;
    if (session.revokedAt) return { kind: "invalid" as const };
    // Marking the token used only if it is still unused makes two concurrent refreshes with one token
    // count as reuse: exactly one of them can win.
    const claimed = stored.usedAt ? 0 : (await tx.refreshToken.updateMany({ where: { id: stored.id, usedAt: null }, data: { usedAt: new Date() } })).count;
    if (claimed === 0) {
      await tx.session.update({ where: { id: session.id }, data: { revokedAt: new Date(), revokedReason: SecurityEventType.REFRESH_TOKEN_REUSED } });
      await recordSecurityEvent(tx, {
        type: SecurityEventType.REFRESH_TOKEN_REUSED,
        userId: session.userId,
        sessionId: session.id,
        client: context.client,
        details: { tokenIssuedAt: stored.createdAt.toISOString(), tokenUsedAt: stored.usedAt?.toISOString() ?? null },
      });
      return { kind: "reused" as const, sessionId: session.id };
    }
    if (stored.expiresAt <= new Date() || session.user.status !== "ACTIVE") return { kind: "invalid" as const };
    await tx.session.update({ where: { id: session.id }, data: { lastRefreshedAt: new Date() } });
    const refreshToken = await addRefreshToken(tx, context, session.id);
    return { kind: "rotated" as const, session, user: session.user, refreshToken };
  });
  if (outcome.kind === "reused") {
    await revokeSessions(context.store, [outcome.sessionId], revocationTtl(context));
    context.log.warn({ event: "refresh_token_reused", sessionId: outcome.sessionId }, "refresh token reuse: session revoked");
    throw invalidRefreshToken();
  }
  if (outcome.kind === "invalid") throw invalidRefreshToken();
  return authPayload(context, outcome.user, outcome.session, outcome.refreshToken);
}

/**
 * Marks the user's open sessions revoked inside `tx` and returns their ids; call `publishRevocation` after
 * the commit so routers reject the sessions' access tokens at once.
 */
export async function revokeUserSessionsInTx(
  tx: UsersTx,
  userId: string,
  reason: string,
  options: { only?: string; except?: string | null } = {},
): Promise<string[]> {
  // Session ids come from verified tokens, but a malformed one must not reach a uuid column.
  if (options.only !== undefined && !isUuid(options.only)) return [];
  if (options.except && !isUuid(options.except)) options = { ...options, except: null };
  const open = await tx.session.findMany({
    where: {
      userId,
      revokedAt: null,
      ...(options.only ? { id: options.only } : {}),
      ...(options.except ? { id: { not: options.except } } : {}),
    },
    select: { id: true },
  });
  const ids = open.map((session) => session.id);
  if (ids.length > 0) {
    await tx.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date(), revokedReason: reason } });
  }
  return ids;
}

export async function publishRevocation(context: Pick<UsersContext, "store" | "tokenSettings">, sessionIds: string[]): Promise<void> {
  if (sessionIds.length > 0) await revokeSessions(context.store, sessionIds, revocationTtl(context));
}
