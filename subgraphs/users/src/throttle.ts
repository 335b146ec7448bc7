// Brute-force protection that locks the guesser, not the customer (docs/security.md, "Brute-force
// protection"). Every password or one-time-code failure (login, step-up, MFA changes) is counted in the
// shared store, so every users replica sees the same counts:
// - per (account, client address) and per client address: hard stops. Reaching the limit sets a lock key
//   whose value is its expiry time (an exact Retry-After); attempts from that address are refused.
// - per account: never a lock (anyone could lock anyone out), only a progressive delay, growing with the
//   account's recent failures and capped, applied to every attempt on the account from any address.
// Accounts are keyed by a hash of the normalised email, so unknown emails are throttled exactly like known
// ones and no email is stored.
import { sha256Hex } from "./tokens.js";
import type { SharedStore } from "#kernel/shared-store.js";

export interface ThrottleSettings {
  /** Failures from one address on one account before that address is refused for that account. */
  maxPerAccountAddress: number;
  /** Failures from one address (any accounts) before that address is refused. */
  maxPerIp: number;
  windowSeconds: number;
  /** How long a hard stop lasts. */
  lockoutSeconds: number;
  /** Failures on an account (from anywhere) tolerated before attempts on it are delayed. */
  accountDelayAfter: number;
  /** First delay; it doubles with each further failure up to `accountDelayMaxMs`. */
  accountDelayBaseMs: number;
  accountDelayMaxMs: number;
  /** The owner is told when the account's failures reach this count (once per window). */
  alertAfter: number;
}

export interface ThrottleState {
  /** Seconds until this address may try this account again; 0 when not stopped. */
  retryAfterSeconds: number;
  /** How long to hold this attempt before checking the credentials (per-account progressive delay). */
  delayMs: number;
}

export interface FailureOutcome {
  /** True when this failure stopped the account from this address (the moment to record LOCKED_OUT for it). */
  lockedOutNow: boolean;
  /** True when this failure stopped the address for every account (recorded without a user: no account is locked). */
  addressStoppedNow: boolean;
  /** The account's failures in the current window, from every address. */
  accountFailures: number;
  /** True exactly when the account's failures reach the alert threshold. */
  alertOwnerNow: boolean;
}

const UNKNOWN_ADDRESS = "unknown";

export class LoginThrottle {
  constructor(
    private readonly store: SharedStore,
    readonly settings: ThrottleSettings,
  ) {}

  /** The (account, address) stop's name: the hard stop for one guesser, cleared by the owner's success. */
  private accountAddressStop(email: string, ip: string | null): string {
    return `aa:${sha256Hex(email)}:${ip ?? UNKNOWN_ADDRESS}`;
  }

  private keys(email: string, ip: string | null) {
    const account = sha256Hex(email);
    const stops = [{ name: this.accountAddressStop(email, ip), max: this.settings.maxPerAccountAddress, scope: "account" }];
    // Without an address (a call not through the router) only the (account, "unknown") stop applies.
    if (ip) stops.push({ name: `ip:${ip}`, max: this.settings.maxPerIp, scope: "address" });
    return { stops, account: `login:fail:acct:${account}` };
  }

  /** The per-account delay after `failures` failures: 0 up to the allowance, then doubling, capped. */
  delayForFailures(failures: number): number {
    const { accountDelayAfter, accountDelayBaseMs, accountDelayMaxMs } = this.settings;
    if (failures < accountDelayAfter) return 0;
    const exponent = Math.min(failures - accountDelayAfter, 20);
    return Math.min(accountDelayMaxMs, accountDelayBaseMs * 2 ** exponent);
  }

  async check(email: string, ip: string | null): Promise<ThrottleState> {
    const { stops, account } = this.keys(email, ip);
    const values = await this.store.getMany([...stops.map((stop) => `login:lock:${stop.name}`), account]);
    const until = Math.max(0, ...values.slice(0, stops.length).map((value) => (value === null ? 0 : Number(value))));
    const retryAfterSeconds = until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 0;
    return { retryAfterSeconds, delayMs: this.delayForFailures(Number(values.at(-1) ?? 0)) };
  }

  async recordFailure(email: string, ip: string | null): Promise<FailureOutcome> {
    const { stops, account } = this.keys(email, ip);
    let lockedOutNow = false;
    let addressStoppedNow = false;
    for (const stop of stops) {
      const count = await this.store.increment(`login:fail:${stop.name}`, this.settings.windowSeconds);
      if (count >= stop.max) {
        const until = Date.now() + this.settings.lockoutSeconds * 1000;
        await this.store.set(`login:lock:${stop.name}`, String(until), this.settings.lockoutSeconds);
        // The counter restarts, so after the stop the full allowance applies again.
        await this.store.delete(`login:fail:${stop.name}`);
        if (stop.scope === "account") lockedOutNow = true;
        else addressStoppedNow = true;
      }
    }
    const accountFailures = await this.store.increment(account, this.settings.windowSeconds);
    return { lockedOutNow, addressStoppedNow, accountFailures, alertOwnerNow: accountFailures === this.settings.alertAfter };
  }

  /**
   * A success clears this address's failures on the account (the owner's own typos). Not the account's
   * counter (a login by the owner must not reset the delay of an attack in progress elsewhere) and not the
   * address's (one good login must not reset a spray).
   */
  async recordSuccess(email: string, ip: string | null): Promise<void> {
    await this.store.delete(`login:fail:${this.accountAddressStop(email, ip)}`);
  }
}
