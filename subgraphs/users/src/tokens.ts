import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { SigningKey } from "./keys.js";

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenSubject {
  userId: string;
  role: string;
}

/** Signs a short-lived access token; `sid` names the login session so it can be revoked later. */
export async function issueAccessToken(key: SigningKey, settings: TokenSettings, subject: AccessTokenSubject) {
  const accessToken = await new SignJWT({ role: subject.role, sid: randomUUID() })
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
