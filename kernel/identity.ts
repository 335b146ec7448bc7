// Subgraphs trust only the router. The router verifies the end user's access token, then signs every
// subgraph request it sends: `x-fedbank-identity` carries the caller's claims plus an HMAC-SHA256 over the
// method, the path, a SHA-256 of the exact body bytes and those claims. A subgraph recomputes the HMAC from
// the raw body it received, refuses a signature outside the replay window, and refuses a nonce it has
// already seen inside the window. So a captured header cannot be reused for another body, another path,
// later, or twice. node:crypto only: this runs on every subgraph fetch.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Scope } from "./scopes.js";

export const IDENTITY_HEADER = "x-fedbank-identity";
export const REQUEST_ID_HEADER = "x-request-id";

/** Default replay window: long enough for a fetch to travel, short enough that a capture is soon useless. */
export const DEFAULT_IDENTITY_MAX_AGE_MS = 30_000;
/** Signatures from up to this far in the future are accepted (clocks of replicas differ slightly). */
export const IDENTITY_FUTURE_SKEW_MS = 2_000;
const VERSION = "v1";

/** `ROUTER_IDENTITY_MAX_AGE_MS`: the replay window subgraphs apply (and the router's signing clock). */
export const identityMaxAgeMs = z.coerce.number().int().min(1_000).max(300_000).default(DEFAULT_IDENTITY_MAX_AGE_MS);

export const ROLES = ["CUSTOMER", "TELLER", "ADMIN", "AUDITOR", "ANALYST"] as const;
export type Role = (typeof ROLES)[number];

/** The verified end user on whose behalf a request runs. */
export interface Caller {
  userId: string;
  role: Role;
  sessionId: string | null;
  /** The role's scopes (kernel/scopes.ts), as the router derived them. */
  scopes?: readonly Scope[];
  /** Time of the password login that started the session (seconds), when the token carries it. */
  authTime?: number;
  /** Authentication methods of the session, e.g. ["pwd", "otp"]. */
  amr?: readonly string[];
}

/** The end client as the router saw it (after trusted-proxy handling). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** What the router (or a subgraph calling another) signs for one request. */
export interface SigningIdentity {
  caller: Caller | null;
  requestId: string;
  client?: ClientInfo;
  /** The target subgraph's name: a signature for one subgraph is refused by the others. */
  audience: string;
}

/** What a subgraph learns from a verified signature. */
export interface SignedIdentity {
  caller: Caller | null;
  requestId: string;
  client: ClientInfo;
}

/** The request being signed or verified: method, path with query string, and the exact body bytes. */
export interface SignedRequest {
  method: string;
  path: string;
  body: string | Uint8Array;
}

/** Wire form of the claims (short names keep the header small). */
interface WireClaims {
  /** caller: user id, role, session id, scopes, auth_time, amr; absent when anonymous */
  c?: { u: string; r: Role; s: string | null; sc: readonly string[]; at?: number; amr?: readonly string[] };
  rid: string;
  ip: string | null;
  ua: string | null;
  /** the subgraph the request is for (its name in the supergraph); a subgraph refuses another's */
  aud?: string;
  /** issued at, epoch milliseconds */
  iat: number;
  n: string;
}

export class IdentityError extends Error {
  override name = "IdentityError";
}

function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

const sha256 = (body: string | Uint8Array) => createHash("sha256").update(body).digest("base64url");

export class IdentitySigner {
  private readonly key: Buffer;
  private readonly maxAgeMs: number;
  /** Nonces seen within the window: nonce → expiry (ms). Per process; see docs/security.md. */
  private readonly seen = new Map<string, number>();
  private lastPrune = 0;

  constructor(secret: string, options: { maxAgeMs?: number; now?: () => number } = {}) {
    this.key = Buffer.from(secret, "utf8");
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_IDENTITY_MAX_AGE_MS;
    if (options.now) this.now = options.now;
  }

  private now: () => number = Date.now;

  private mac(request: SignedRequest, encodedClaims: string): Buffer {
    return createHmac("sha256", this.key)
      .update(`${VERSION}\n${request.method.toUpperCase()}\n${request.path}\n${sha256(request.body)}\n${encodedClaims}`)
      .digest();
  }

  /** The claims part of the header, signed later over the exact bytes sent (see `seal`). */
  encodeClaims(identity: SigningIdentity): string {
    const { caller, requestId, client, audience } = identity;
    const claims: WireClaims = {
      aud: audience,
      rid: requestId,
      ip: client?.ip ?? null,
      ua: client?.userAgent ?? null,
      iat: this.now(),
      n: randomBytes(16).toString("base64url"),
    };
    if (caller) {
      claims.c = { u: caller.userId, r: caller.role, s: caller.sessionId, sc: caller.scopes ?? [] };
      if (caller.authTime !== undefined) claims.c.at = caller.authTime;
      if (caller.amr !== undefined) claims.c.amr = caller.amr;
    }
    return Buffer.from(JSON.stringify(claims)).toString("base64url");
  }

  /** Completes a header from `encodeClaims` with the signature over the request it travels with. */
  seal(encodedClaims: string, request: SignedRequest): string {
    return `${VERSION}.${encodedClaims}.${this.mac(request, encodedClaims).toString("base64url")}`;
  }

  /** The header value for one request. */
  sign(request: SignedRequest, identity: SigningIdentity): string {
    return this.seal(this.encodeClaims(identity), request);
  }

  /**
   * Verifies a header against the request as received by the subgraph named `audience`. Throws
   * IdentityError when it is missing, forged, for another request or subgraph, outside the window or replayed.
   */
  verify(header: string | undefined, request: SignedRequest, audience: string): SignedIdentity {
    if (!header) throw new IdentityError("missing router identity");
    const parts = header.split(".");
    if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) throw new IdentityError("malformed router identity");
    const [, encodedClaims, signature] = parts as [string, string, string];
    const expected = this.mac(request, encodedClaims);
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new IdentityError("router identity signature does not match this request");
    }
    let claims: WireClaims;
    try {
      claims = JSON.parse(Buffer.from(encodedClaims, "base64url").toString("utf8")) as WireClaims;
    } catch {
      throw new IdentityError("malformed router identity claims");
    }
    if (claims.aud !== audience) {
      throw new IdentityError(claims.aud === undefined ? "router identity names no target subgraph" : "router identity is for another subgraph");
    }
    const now = this.now();
    if (typeof claims.iat !== "number" || typeof claims.n !== "string" || typeof claims.rid !== "string") {
      throw new IdentityError("router identity lacks issue time, nonce or request id");
    }
    if (claims.iat > now + IDENTITY_FUTURE_SKEW_MS) throw new IdentityError("router identity is from the future");
    if (now - claims.iat > this.maxAgeMs) throw new IdentityError("router identity is older than the replay window");
    this.prune(now);
    if (this.seen.has(claims.n)) throw new IdentityError("router identity nonce already used (replay)");
    this.seen.set(claims.n, claims.iat + this.maxAgeMs + IDENTITY_FUTURE_SKEW_MS);

    let caller: Caller | null = null;
    if (claims.c) {
      const c = claims.c;
      if (typeof c.u !== "string" || !isRole(c.r)) throw new IdentityError("router identity has no valid caller");
      caller = { userId: c.u, role: c.r, sessionId: typeof c.s === "string" ? c.s : null, scopes: (c.sc ?? []) as Scope[] };
      if (typeof c.at === "number") caller.authTime = c.at;
      if (Array.isArray(c.amr)) caller.amr = c.amr;
    }
    return {
      caller,
      requestId: claims.rid,
      client: { ip: typeof claims.ip === "string" ? claims.ip : null, userAgent: typeof claims.ua === "string" ? claims.ua : null },
    };
  }

  /** Drops expired nonces, at most once a second, so the map stays at about one window of traffic. */
  private prune(now: number) {
    if (now - this.lastPrune < 1_000) return;
    this.lastPrune = now;
    for (const [nonce, expiresAt] of this.seen) if (expiresAt < now) this.seen.delete(nonce);
  }
}
