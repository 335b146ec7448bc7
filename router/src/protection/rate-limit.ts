// Per-client rate limits, shared by every router replica through the shared store (Redis): one atomic script
// call per request consumes every bucket the request touches.
//  - requests: key = token subject when authenticated (limit per role), else client IP (anonymous limit);
//  - cost: the operation's estimated cost (cost.ts) in points per window, same keys and window as requests;
//  - auth: every occurrence of a mutation that checks a credential (login, register, refreshToken, the MFA and
//    password mutations, and any mutation given a `password`, `currentPassword`, `totp` or `code` argument:
//    step-up checks) in the operation (aliases and fragments included) counts once against the client IP and
//    once against the target account, in a stricter, longer window. For sign-in (login, register, refresh) the
//    account bucket is per (e-mail, client IP): a hard stop for the guesser's address, never for the account as
//    a whole, so nobody can lock a customer out by guessing from many addresses (the users service adds a
//    progressive per-account delay, docs/security.md); for a signed-in caller's own checks it is the caller.
// Fixed windows (INCRBY + PEXPIRE). Redis unreachable or slow: normal traffic falls back to a local in-memory
// limiter (fail open) or is refused (fail closed), auth traffic is refused (fail closed) unless configured.
// The same script call also reads the caller's session-revocation key when given one (`revocationKey`), so an
// authenticated request costs one Redis round trip in all; that read always fails closed (503).
import { createHash } from "node:crypto";
import type { Logger } from "#kernel/logger.js";
import { createMemoryStore, type CounterBucket, type CounterState, type SharedStore } from "#kernel/shared-store.js";
import type { Caller } from "#kernel/identity.js";
import { operationShape } from "./root-fields.js";

export const AUTH_FIELDS = new Set(["login", "register", "refreshToken", "enrollMfa", "confirmMfa", "disableMfa", "changePassword"]);

/** Arguments that carry a password or a one-time code: a mutation given one checks a credential. */
export const CREDENTIAL_ARGUMENTS = ["password", "currentPassword", "totp", "code"] as const;

/** True for a root mutation field that checks a password or a TOTP/recovery code (an auth attempt). */
export function checksCredential(field: { name: string; args: Record<string, unknown> }): boolean {
  return AUTH_FIELDS.has(field.name) || CREDENTIAL_ARGUMENTS.some((name) => name in field.args);
}

export interface RateLimitSettings {
  enabled: boolean;
  windowSeconds: number;
  anonymousRequests: number;
  requests: number;
  roleRequests: Record<string, number>;
  anonymousCostPoints: number;
  costPoints: number;
  roleCostPoints: Record<string, number>;
  authWindowSeconds: number;
  authIpAttempts: number;
  authAccountAttempts: number;
  storeTimeoutMs: number;
  failMode: "open" | "closed";
  authFailMode: "open" | "closed";
  /** How long a call that also reads the revocation key may take (the larger of this and storeTimeoutMs). */
  revocationTimeoutMs?: number;
}

/** `ADMIN=2000,TELLER=1500` → { ADMIN: 2000, TELLER: 1500 }; throws on a malformed entry. */
export function parseRoleLimits(value: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of value.split(",").map((part) => part.trim()).filter(Boolean)) {
    const match = /^([A-Z_]+)=(\d+)$/.exec(entry);
    if (!match) throw new Error(`expected ROLE=number, got ${entry}`);
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
}

interface Bucket extends CounterBucket {
  /** Which limit this is (named in the 429). */
  name: string;
  limit: number;
  auth: boolean;
}

export type RateLimitDecision =
  | { kind: "allowed"; headers: Record<string, string> }
  | { kind: "limited"; headers: Record<string, string>; limit: string; retryAfterSeconds: number }
  | { kind: "unavailable"; retryAfterSeconds: number; revocationUnchecked?: boolean }
  /** The request's session is in the revocation set (checked in the same store call). */
  | { kind: "revoked" };

export interface RateLimitRequest {
  caller: Caller | null;
  ip: string | null;
  /** The parsed POST body, or the GET query parameters as an object. */
  body: unknown;
  /** The operation's estimated cost, charged to the cost budget (0: nothing charged). */
  cost?: number;
  /** The caller's session-revocation key (auth.ts `revocationKey`), read in the same store call. */
  revocationKey?: string;
}

export interface RateLimitEvents {
  limited(bucket: string): void;
  storeFailure(): void;
}

const hashed = (value: string) => createHash("sha256").update(value).digest("base64url").slice(0, 22);

function headersFor(bucket: Bucket, state: CounterState): Record<string, string> {
  const resetSeconds = Math.max(0, Math.ceil(state.resetMs / 1000));
  return {
    "ratelimit-limit": String(bucket.limit),
    "ratelimit-remaining": String(Math.max(0, bucket.limit - state.count)),
    "ratelimit-reset": String(resetSeconds),
    "ratelimit-policy": `${bucket.limit};w=${Math.round(bucket.windowMs / 1000)}`,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class RateLimiter {
  /** The fallback while the shared store is unreachable: per process, so limits are per replica then. */
  private readonly local = createMemoryStore();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly store: SharedStore,
    private readonly logger: Logger,
    private readonly events: RateLimitEvents,
  ) {
    this.sweeper = setInterval(() => this.local.sweep(), 60_000);
    this.sweeper.unref();
  }

  close() {
    clearInterval(this.sweeper);
  }

  /** The buckets a request consumes: its request bucket, then one auth bucket per IP/account touched. */
  buckets(request: RateLimitRequest): Bucket[] {
    const { settings } = this;
    const windowMs = settings.windowSeconds * 1000;
    const buckets: Bucket[] = [];
    const ip = request.ip ?? "unknown";
    if (request.caller) {
      const limit = settings.roleRequests[request.caller.role] ?? settings.requests;
      buckets.push({ name: "requests", key: `rl:req:user:${request.caller.userId}`, amount: 1, windowMs, limit, auth: false });
    } else {
      buckets.push({ name: "requests", key: `rl:req:ip:${ip}`, amount: 1, windowMs, limit: settings.anonymousRequests, auth: false });
    }
    if (request.cost && request.cost > 0) {
      const limit = request.caller ? (settings.roleCostPoints[request.caller.role] ?? settings.costPoints) : settings.anonymousCostPoints;
      const key = request.caller ? `rl:cost:user:${request.caller.userId}` : `rl:cost:ip:${ip}`;
      buckets.push({ name: "cost", key, amount: request.cost, windowMs, limit, auth: false });
    }
    const body = request.body;
    if (!body || typeof body !== "object" || Array.isArray(body)) return buckets;
    const { query, operationName, variables } = body as Record<string, unknown>;
    if (typeof query !== "string") return buckets;
    const vars = variables && typeof variables === "object" && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
    const shape = operationShape(query, typeof operationName === "string" ? operationName : undefined, vars);
    if (!shape || shape.type !== "mutation") return buckets;
    const authWindowMs = settings.authWindowSeconds * 1000;
    let ipAttempts = 0;
    const accounts = new Map<string, number>();
    for (const field of shape.rootFields) {
      if (!checksCredential(field)) continue;
      ipAttempts++;
      let account: string | null = null;
      const signsIn = field.name === "login" || field.name === "register" || field.name === "refreshToken";
      const email = field.name === "register" ? (field.args.input as Record<string, unknown> | null | undefined)?.email : field.args.email;
      // A signed-in caller's own credential (MFA, password change, step-up): the caller's account, whatever
      // e-mail the mutation names (changeEmail's is the new one).
      if (!signsIn && request.caller) account = `user:${request.caller.userId}`;
      else if (typeof email === "string") account = `email:${hashed(email.trim().toLowerCase())}:ip:${ip}`;
      if (account) accounts.set(account, (accounts.get(account) ?? 0) + 1);
    }
    if (ipAttempts > 0) {
      buckets.push({ name: "auth-ip", key: `rl:auth:ip:${ip}`, amount: ipAttempts, windowMs: authWindowMs, limit: settings.authIpAttempts, auth: true });
    }
    for (const [account, amount] of accounts) {
      buckets.push({ name: "auth-account", key: `rl:auth:acct:${account}`, amount, windowMs: authWindowMs, limit: settings.authAccountAttempts, auth: true });
    }
    return buckets;
  }

  async check(request: RateLimitRequest, requestId: string): Promise<RateLimitDecision> {
    const reads = request.revocationKey ? [request.revocationKey] : [];
    const timeoutMs = reads.length ? Math.max(this.settings.storeTimeoutMs, this.settings.revocationTimeoutMs ?? 0) : this.settings.storeTimeoutMs;
    if (!this.settings.enabled) {
      if (reads.length === 0) return { kind: "allowed", headers: {} };
      try {
        const [value] = await withTimeout(this.store.getMany(reads), timeoutMs);
        return value !== null && value !== undefined ? { kind: "revoked" } : { kind: "allowed", headers: {} };
      } catch {
        return { kind: "unavailable", retryAfterSeconds: 1, revocationUnchecked: true };
      }
    }
    const buckets = this.buckets(request);
    let states: CounterState[];
    try {
      const reply = await withTimeout(this.store.consumeAndGet(buckets, reads), timeoutMs);
      if (reply.values.some((value) => value !== null && value !== undefined)) return { kind: "revoked" };
      states = reply.states;
    } catch (error) {
      this.events.storeFailure();
      // Revocation cannot be checked without the store: the request is refused whatever the rate-limit policy.
      if (reads.length) {
        this.logger.warn({ requestId, err: error instanceof Error ? error.message : String(error) }, "shared store unavailable: revocation unchecked, refused");
        return { kind: "unavailable", retryAfterSeconds: 1, revocationUnchecked: true };
      }
      const hasAuth = buckets.some((bucket) => bucket.auth);
      const closed = this.settings.failMode === "closed" || (hasAuth && this.settings.authFailMode === "closed");
      this.logger.warn(
        { requestId, err: error instanceof Error ? error.message : String(error), policy: closed ? "fail closed" : "fail open (local limiter)" },
        "rate-limit store unavailable",
      );
      if (closed) return { kind: "unavailable", retryAfterSeconds: 1 };
      states = await this.local.consume(buckets);
    }
    let violated: { bucket: Bucket; state: CounterState } | null = null;
    for (const [index, bucket] of buckets.entries()) {
      const state = states[index]!;
      if (state.count > bucket.limit && (!violated || state.resetMs > violated.state.resetMs)) violated = { bucket, state };
    }
    if (violated) {
      this.events.limited(violated.bucket.name);
      return {
        kind: "limited",
        headers: headersFor(violated.bucket, violated.state),
        limit: violated.bucket.name,
        retryAfterSeconds: Math.max(1, Math.ceil(violated.state.resetMs / 1000)),
      };
    }
    return { kind: "allowed", headers: headersFor(buckets[0]!, states[0]!) };
  }
}
