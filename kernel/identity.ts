// The router verifies the end user's access token, then hands each subgraph a short-lived identity it
// signs itself. Subgraphs accept nothing else, so a request that bypasses the router carries no identity.
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";

export const IDENTITY_HEADER = "x-fedbank-identity";
export const REQUEST_ID_HEADER = "x-request-id";

const ISSUER = "fedbank-router";
const AUDIENCE = "fedbank-subgraphs";
/** Long enough for one operation's fetches, short enough that a captured header is soon useless. */
export const IDENTITY_TTL_SECONDS = 60;

export const ROLES = ["CUSTOMER", "TELLER", "ADMIN", "AUDITOR", "ANALYST"] as const;
export type Role = (typeof ROLES)[number];

/** The verified end user on whose behalf a request runs. */
export interface Caller {
  userId: string;
  role: Role;
  sessionId: string | null;
}

function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export class IdentitySigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Signs the caller (or an anonymous identity) for one request to the subgraphs. */
  async sign(caller: Caller | null, requestId: string): Promise<string> {
    const claims: Record<string, unknown> = { rid: requestId };
    if (caller) {
      claims.role = caller.role;
      if (caller.sessionId) claims.sid = caller.sessionId;
    }
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${IDENTITY_TTL_SECONDS}s`);
    if (caller) jwt.setSubject(caller.userId);
    return jwt.sign(this.key);
  }

  /** Returns the caller (null when anonymous) or throws when the identity is missing, forged or stale. */
  async verify(token: string | undefined): Promise<{ caller: Caller | null; requestId: string | null }> {
    if (!token) throw new IdentityError("missing router identity");
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: 5,
        requiredClaims: ["exp", "iat"],
      });
      const requestId = typeof payload.rid === "string" ? payload.rid : null;
      if (payload.sub === undefined) return { caller: null, requestId };
      if (!isRole(payload.role)) throw new IdentityError("router identity has no valid role");
      const sessionId = typeof payload.sid === "string" ? payload.sid : null;
      return { caller: { userId: payload.sub, role: payload.role, sessionId }, requestId };
    } catch (error) {
      if (error instanceof IdentityError) throw error;
      if (error instanceof joseErrors.JOSEError) throw new IdentityError(`invalid router identity (${error.code})`);
      throw error;
    }
  }
}

export class IdentityError extends Error {
  override name = "IdentityError";
}
