// Verifies end users' access tokens: signature against the users service's JWKS (cached; refetched on an
// unknown `kid` at most once per cooldown), an allow-list of asymmetric algorithms, token type, issuer,
// audience, validity period with a small skew (and no `iat` in the future, no lifetime `exp - iat` longer
// than the users service issues: a token minted with a stolen key or a misconfigured issuer does not live
// for days), then the session-revocation set in the shared store.
// A token already verified is not verified again: its caller is kept in a bounded LRU keyed by the token's
// SHA-256 until the token's `exp` (never longer), so a request pays one hash instead of a signature check
// and claim parsing. The revocation check is never cached: it runs on every request (here in `verify`, or
// folded into the rate limiter's single Redis round trip by the HTTP path, see server.ts).
import { createHash } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from "jose";
import { LRUCache } from "lru-cache";
import { ROLES, type Caller, type Role } from "#kernel/identity.js";
import { isSessionRevoked } from "#kernel/revocation.js";
import { scopesOf, type Scope } from "#kernel/scopes.js";
import type { SharedStore } from "#kernel/shared-store.js";

/** Only asymmetric algorithms: `none`, HMAC (key confusion with the public key) and RSA are refused. */
export const ALLOWED_ALGORITHMS = ["EdDSA", "ES256"];
export const CLOCK_SKEW_SECONDS = 30;
/** The users service marks access tokens `typ: at+jwt` (RFC 9068), so no other JWT passes for one. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** A JWKS refetch on an unknown `kid` happens at most once per this period (jose's cooldown). */
export const JWKS_COOLDOWN_MS = 30_000;

/** The caller as the router passes it on: role, its scopes, and the claims policies need. */
export interface VerifiedCaller extends Caller {
  sessionId: string;
  scopes: readonly Scope[];
}

/** The token is bad: 401 UNAUTHENTICATED. */
export class AuthError extends Error {
  override name = "AuthError";
}

/** The token cannot be checked now (revocation store down): 503 SERVICE_UNAVAILABLE, fail closed. */
export class AuthUnavailableError extends Error {
  override name = "AuthUnavailableError";
}

export interface TokenVerifier {
  /** Null for an anonymous request; throws AuthError for a bad token, AuthUnavailableError when unsure. */
  verify(authorization: string | undefined): Promise<VerifiedCaller | null>;
  /**
   * Signature and claims only, WITHOUT the revocation check: the caller must check `revocationKey(caller)`
   * in the shared store itself before trusting the result (the HTTP path does it in the rate-limit call).
   */
  verifyIgnoringRevocation(authorization: string | undefined): Promise<VerifiedCaller | null>;
}

/**
 * The shared-store key whose presence means the caller's session is revoked. Same format as
 * kernel/revocation.ts writes (router/test/auth.test.ts checks they agree).
 */
export function revocationKey(caller: { sessionId: string | null }): string {
  return `revoked:session:${caller.sessionId}`;
}

/** How many verified tokens are remembered (per process); the least recently used go first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export interface TokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  store: SharedStore;
  /** How long the revocation lookup may take before the request is refused (fail closed). */
  revocationTimeoutMs?: number;
  /** For tests: a key source other than the remote JWKS. */
  keys?: JWTVerifyGetKey;
  cooldownMs?: number;
  /** Verified-token cache size (0 turns it off). */
  cacheSize?: number;
  /** For tests: the clock the cache's expiry uses. */
  now?: () => number;
  /** The longest lifetime (`exp - iat`, seconds) an access token may have: the issuer's TTL. Default 900. */
  maxLifetimeSeconds?: number;
}

/** The access-token lifetime the users service issues by default (ACCESS_TOKEN_TTL_SECONDS). */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 900;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys =
    options.keys ??
    createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.cooldownMs ?? JWKS_COOLDOWN_MS,
      cacheMaxAge: 600_000,
      timeoutDuration: 5_000,
    });
  const revocationTimeoutMs = options.revocationTimeoutMs ?? 500;
  const maxLifetimeSeconds = options.maxLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  const now = options.now ?? Date.now;

  async function verifySignatureAndClaims(token: string): Promise<{ caller: VerifiedCaller; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ALLOWED_ALGORITHMS,
        issuer: options.issuer,
        audience: options.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ["sub", "exp", "iat", "sid"],
      });
      const role = payload.role;
      if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
        throw new AuthError("Access token has no valid role");
      }
      if (typeof payload.sid !== "string" || payload.sid === "") throw new AuthError("Access token has no session");
      const issuedAt = payload.iat as number;
      if (issuedAt > Math.floor(now() / 1000) + CLOCK_SKEW_SECONDS) throw new AuthError("Access token is issued in the future");
      if ((payload.exp as number) - issuedAt > maxLifetimeSeconds + CLOCK_SKEW_SECONDS) {
        throw new AuthError("Access token lives longer than the issuer's access-token lifetime");
      }
      const caller: VerifiedCaller = {
        userId: payload.sub as string,
        role: role as Role,
        sessionId: payload.sid,
        scopes: scopesOf(role as Role),
      };
      if (typeof payload.auth_time === "number") caller.authTime = payload.auth_time;
      if (Array.isArray(payload.amr) && payload.amr.every((method) => typeof method === "string")) caller.amr = payload.amr;
      // Frozen: one object is shared by every request that presents this token.
      Object.freeze(caller.amr);
      return { caller: Object.freeze(caller), expiresAt: (payload.exp as number) * 1000 };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new AuthError("Access token has expired");
      if (error instanceof joseErrors.JWKSTimeout) throw new AuthUnavailableError("Signing keys cannot be fetched right now");
      // Includes an unknown `kid` while the JWKS cooldown runs, and a JWKS that cannot be fetched.
      if (error instanceof joseErrors.JOSEError) throw new AuthError("Access token is invalid");
      // The JWKS could not be fetched at all (users service unreachable): cannot verify, fail closed.
      throw new AuthUnavailableError("Signing keys cannot be fetched right now");
    }
  }

  const cacheSize = options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE;
  /** Token hash → caller and the token's expiry (ms), least recently used evicted first (lru-cache). */
  const verified = new LRUCache<string, { caller: VerifiedCaller; expiresAt: number }>({ max: Math.max(1, cacheSize) });

  async function verifyCached(token: string): Promise<VerifiedCaller> {
    if (cacheSize === 0) return (await verifySignatureAndClaims(token)).caller;
    const key = createHash("sha256").update(token).digest("base64url");
    const hit = verified.get(key);
    if (hit) {
      // At `exp` the entry is dropped and jose decides again (with its clock skew), as for a new token.
      if (hit.expiresAt > now()) return hit.caller;
      verified.delete(key);
    }
    const { caller, expiresAt } = await verifySignatureAndClaims(token);
    verified.set(key, { caller, expiresAt });
    return caller;
  }

  async function verifyIgnoringRevocation(authorization: string | undefined): Promise<VerifiedCaller | null> {
    if (authorization === undefined || authorization === "") return null;
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
    if (!match?.[1]) throw new AuthError("Authorization header must be `Bearer <access token>`");
    return verifyCached(match[1]);
  }

  return {
    verifyIgnoringRevocation,
    async verify(authorization) {
      const caller = await verifyIgnoringRevocation(authorization);
      if (!caller) return null;
      let revoked: boolean;
      try {
        revoked = await withTimeout(isSessionRevoked(options.store, caller.sessionId), revocationTimeoutMs);
      } catch {
        throw new AuthUnavailableError("Session revocation cannot be checked right now; try again shortly");
      }
      if (revoked) throw new AuthError("The session of this access token has been revoked");
      return caller;
    },
  };
}
