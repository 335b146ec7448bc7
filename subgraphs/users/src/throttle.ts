// Brute-force protection for login: failures are counted per account (keyed by a hash of the normalised
// email, so unknown emails are throttled exactly like known ones and no email is stored) and per client IP,
// in the shared store so every users replica sees the same counts. Reaching the limit sets a lock key whose
// value is its expiry time, which gives clients an exact Retry-After.
import { sha256Hex } from "./tokens.js";
import type { SharedStore } from "../../../kernel/shared-store.js";

export interface ThrottleSettings {
  maxPerAccount: number;
  maxPerIp: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

export interface FailureOutcome {
  /** True when this failure locked the account or IP out (the moment to record LOCKED_OUT). */
  lockedOutNow: boolean;
}

export class LoginThrottle {
  constructor(
    private readonly store: SharedStore,
    private readonly settings: ThrottleSettings,
  ) {}

  private buckets(email: string, ip: string | null) {
    const buckets = [{ name: `acct:${sha256Hex(email)}`, max: this.settings.maxPerAccount }];
    if (ip) buckets.push({ name: `ip:${ip}`, max: this.settings.maxPerIp });
    return buckets;
  }

  /** Seconds until the caller may try again, or 0 when not locked out. */
  async retryAfterSeconds(email: string, ip: string | null): Promise<number> {
    const locks = await this.store.getMany(this.buckets(email, ip).map((bucket) => `login:lock:${bucket.name}`));
    const until = Math.max(0, ...locks.map((value) => (value === null ? 0 : Number(value))));
    return until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 0;
  }

  async recordFailure(email: string, ip: string | null): Promise<FailureOutcome> {
    let lockedOutNow = false;
    for (const bucket of this.buckets(email, ip)) {
      const count = await this.store.increment(`login:fail:${bucket.name}`, this.settings.windowSeconds);
      if (count >= bucket.max) {
        const until = Date.now() + this.settings.lockoutSeconds * 1000;
        await this.store.set(`login:lock:${bucket.name}`, String(until), this.settings.lockoutSeconds);
        // The counter restarts, so after the lockout the full allowance applies again.
        await this.store.delete(`login:fail:${bucket.name}`);
        lockedOutNow = true;
      }
    }
    return { lockedOutNow };
  }

  /** A successful login clears the account's failures (not the IP's: one good login must not reset a spray). */
  async recordSuccess(email: string): Promise<void> {
    await this.store.delete(`login:fail:acct:${sha256Hex(email)}`);
  }
}
