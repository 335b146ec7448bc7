// Verifies end users' access tokens: signature against the users service's JWKS (cached, refetched on an
// unknown `kid`), an allow-list of asymmetric algorithms, issuer, audience and validity period.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from "jose";
import { ROLES, type Caller, type Role } from "../../kernel/identity.js";

/** Only asymmetric algorithms: `none` and HMAC (key-confusion attacks) are refused. */
export const ALLOWED_ALGORITHMS = ["EdDSA", "ES256"];
const CLOCK_SKEW_SECONDS = 30;

export class AuthError extends Error {
  override name = "AuthError";
}

export interface TokenVerifier {
  /** Null for an anonymous request; throws AuthError for a bad token. */
  verify(authorization: string | undefined): Promise<Caller | null>;
}

export function createTokenVerifier(options: { jwksUrl: string; issuer: string; audience: string }): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 });
  return {
    async verify(authorization) {
      if (authorization === undefined || authorization === "") return null;
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization.trim());
      if (!match?.[1]) throw new AuthError("Authorization header must be `Bearer <access token>`");
      try {
        const { payload } = await jwtVerify(match[1], jwks, {
          algorithms: ALLOWED_ALGORITHMS,
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ["sub", "exp", "iat"],
        });
        const role = payload.role;
        if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
          throw new AuthError("Access token has no valid role");
        }
        return {
          userId: payload.sub as string,
          role: role as Role,
          sessionId: typeof payload.sid === "string" ? payload.sid : null,
        };
      } catch (error) {
        if (error instanceof AuthError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new AuthError("Access token has expired");
        if (error instanceof joseErrors.JOSEError) throw new AuthError("Access token is invalid");
        throw error;
      }
    },
  };
}
