// Issue 14 (owned by the users/accounts side): a customer naming other people's accounts by number (transfer,
// authorizeTransfer) is limited per user, in the shared store so every replica counts together: guessing
// numbers to find live accounts costs one request each and stops soon. Staff are not limited here (the
// router's general limits apply to everyone).
import { ErrorCode, domainError } from "#kernel/errors.js";
import type { Caller } from "#kernel/identity.js";
import type { Logger } from "#kernel/logger.js";
import type { SharedStore } from "#kernel/shared-store.js";

export interface NumberLookupLimit {
  /** Look-ups of other customers' accounts by number, per user and window. */
  max: number;
  windowSeconds: number;
}

export class NumberLookupLimiter {
  constructor(
    private readonly store: SharedStore,
    private readonly limit: NumberLookupLimit,
    private readonly log: Logger,
  ) {}

  /**
   * Counts a look-up of an account that is not the caller's (or does not exist) by its number; the same
   * number again within the window is not counted twice (paying one payee often is not guessing). Throws
   * past the limit.
   */
  async count(caller: Caller, number: string): Promise<void> {
    if (caller.role !== "CUSTOMER") return;
    const seenKey = `lookup:number:seen:${caller.userId}:${number}`;
    let state;
    try {
      const [seen] = await this.store.getMany([seenKey]);
      if (seen) return;
      [state] = await this.store.consume([{ key: `lookup:number:${caller.userId}`, amount: 1, windowMs: this.limit.windowSeconds * 1000 }]);
      if (state && state.count <= this.limit.max) await this.store.set(seenKey, "1", this.limit.windowSeconds);
    } catch (error) {
      // The store is down: the router's per-user limits still apply; transfers keep working.
      this.log.warn({ err: error }, "account-number look-up limit unavailable");
      return;
    }
    if (state && state.count > this.limit.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil(state.resetMs / 1000));
      throw domainError(ErrorCode.RATE_LIMITED, `Too many look-ups of account numbers; try again in ${retryAfterSeconds} seconds`, {
        retryAfterSeconds,
        limit: "account_number_lookups",
      });
    }
  }
}
