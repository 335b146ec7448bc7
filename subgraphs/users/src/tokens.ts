import { createHash, randomBytes, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { SigningKey } from "./keys.js";

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  refreshTtlSeconds: number;
}

export interface AccessTokenSubject {
  userId: string;
  role: string;
  /** The session (`sid`) the token belongs to: revoking it rejects the token at the router. */
  sessionId: string;
  /** When the password login that started the session happened. */
  authTime: Date;
  /** Authentication methods of that login: `pwd`, plus `otp` with MFA. */
  amr: readonly string[];
}

/** Signs a short-lived access token with the claims of the platform's token contract. */
export async function issueAccessToken(key: SigningKey, settings: TokenSettings, subject: AccessTokenSubject) {
  const accessToken = await new SignJWT({
    role: subject.role,
    sid: subject.sessionId,
    auth_time: Math.floor(subject.authTime.getTime() / 1000),
    amr: [...subject.amr],
  })
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "at+jwt" })
    .setSubject(subject.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(`${settings.ttlSeconds}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { accessToken, tokenType: "Bearer", expiresIn: settings.ttlSeconds };
}

/** A new opaque refresh token: 256 random bits. Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
