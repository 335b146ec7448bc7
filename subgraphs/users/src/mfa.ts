// TOTP (RFC 6238) with the `otpauth` library: 6 digits, 30-second steps, SHA-1 (what authenticator apps
// support), one step of tolerance either way. A code is accepted at most once: the caller stores the step of
// the last accepted code and refuses that step and earlier ones. Recovery codes are random single-use codes
// stored as SHA-256 hashes (their 60 random bits make a slow hash unnecessary).
import { randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { sha256Hex } from "./tokens.js";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "FedBank";

function totpFor(secretBase32: string, label = "user"): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** A new TOTP secret (160 bits, base32) and the otpauth:// URI authenticator apps scan. */
export function newTotpSecret(accountLabel: string): { secret: string; otpauthUri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUri: totpFor(secret, accountLabel).toString() };
}

export function isTotpCodeShape(code: string): boolean {
  return /^\d{6}$/.test(code.trim());
}

/**
 * The time step of a valid code (within ±1 step of `now`) that is later than `lastUsedStep`, or null.
 * Pure: the caller persists the returned step so the same code is refused next time.
 */
export function acceptedTotpStep(secretBase32: string, code: string, lastUsedStep: number | null, now = Date.now()): number | null {
  const token = code.trim();
  if (!isTotpCodeShape(token)) return null;
  const delta = totpFor(secretBase32).validate({ token, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return null;
  return step;
}

/** The code an authenticator shows at `timestamp` (tests and tooling). */
export function totpCodeAt(secretBase32: string, timestamp = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp });
}

// No 0/O/1/I/L: recovery codes are typed by hand from paper.
const RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** Ten codes like `K7QW-9XPM-3RTA` (12 characters from 31: about 59 bits each). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** Recovery codes are compared without case, spaces or dashes. */
export function recoveryCodeHash(code: string): string {
  return sha256Hex(code.replace(/[\s-]/g, "").toUpperCase());
}
