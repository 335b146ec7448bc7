// The users domain's security events, written in the same transaction as the change they describe (the
// audit work will move them through the outbox). Never secrets, never the email someone tried.
import type { Prisma } from "../../../kernel/generated/prisma/client.js";
import type { UsersTx } from "./db.js";

export const SecurityEventType = {
  USER_REGISTERED: "USER_REGISTERED",
  USER_CREATED: "USER_CREATED",
  LOGIN_SUCCEEDED: "LOGIN_SUCCEEDED",
  LOGIN_FAILED: "LOGIN_FAILED",
  LOCKED_OUT: "LOCKED_OUT",
  REFRESH_TOKEN_REUSED: "REFRESH_TOKEN_REUSED",
  LOGGED_OUT: "LOGGED_OUT",
  LOGGED_OUT_EVERYWHERE: "LOGGED_OUT_EVERYWHERE",
  MFA_ENROLLMENT_STARTED: "MFA_ENROLLMENT_STARTED",
  MFA_ENABLED: "MFA_ENABLED",
  MFA_DISABLED: "MFA_DISABLED",
  MFA_RECOVERY_CODE_USED: "MFA_RECOVERY_CODE_USED",
  PASSWORD_CHANGED: "PASSWORD_CHANGED",
  PROFILE_UPDATED: "PROFILE_UPDATED",
  USER_LOCKED: "USER_LOCKED",
  USER_UNLOCKED: "USER_UNLOCKED",
  USER_ERASED: "USER_ERASED",
  SIGNING_KEY_ROTATED: "SIGNING_KEY_ROTATED",
} as const;
export type SecurityEventType = (typeof SecurityEventType)[keyof typeof SecurityEventType];

export interface SecurityEventInput {
  type: SecurityEventType;
  userId?: string | null;
  actorId?: string | null;
  sessionId?: string | null;
  client?: { ip: string | null; userAgent: string | null };
  details?: Prisma.InputJsonObject;
}

export async function recordSecurityEvent(tx: UsersTx, event: SecurityEventInput): Promise<void> {
  await tx.securityEvent.create({
    data: {
      type: event.type,
      userId: event.userId ?? null,
      actorId: event.actorId ?? null,
      sessionId: event.sessionId ?? null,
      ip: event.client?.ip ?? null,
      userAgent: event.client?.userAgent ?? null,
      details: event.details ?? {},
    },
  });
}
