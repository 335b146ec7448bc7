// Money is never a float: amounts travel as decimal strings, are held as bigint minor units, and every
// currency's ISO 4217 exponent is enforced exactly.
import { badUserInput } from "#kernel/errors.js";

/** ISO 4217 minor-unit exponents of the currencies the platform accepts. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2, AUD: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2,
  HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, ISK: 0, JOD: 3, JPY: 0, KRW: 0, KWD: 3, MXN: 2, NOK: 2,
  NZD: 2, OMR: 3, PLN: 2, SAR: 2, SEK: 2, SGD: 2, THB: 2, TND: 3, TRY: 2, USD: 2, VND: 0, ZAR: 2,
});

/** Largest magnitude accepted, in minor units: comfortably inside Postgres bigint. */
export const MAX_MINOR_UNITS = 10n ** 17n;

/**
 * Largest balance magnitude the ledger keeps, in minor units (the database's CHECKs and movement functions use
 * the same bound): ten maximal amounts, and nine such balances still sum inside bigint (±9.2×10^18).
 */
export const MAX_BALANCE_MINOR = 10n ** 18n;

export function currencyExponent(currency: string): number {
  const exponent = Object.hasOwn(CURRENCY_EXPONENTS, currency) ? CURRENCY_EXPONENTS[currency] : undefined;
  if (exponent === undefined) {
    throw badUserInput(`Unknown or unsupported currency "${currency}"`, { field: "currency" });
  }
  return exponent;
}

export function isSupportedCurrency(currency: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, currency);
}

/**
 * Parses a positive decimal string with exactly the currency's scale or fewer digits ("10", "10.5",
 * "10.50" for USD; "1000" for JPY) into minor units.
 */
export function parseAmount(amount: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,20})(?:\.(\d+))?$/.exec(amount);
  if (!match) {
    throw badUserInput(`Amount "${amount}" is not a positive decimal number`, { field: "amount" });
  }
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > exponent) {
    throw badUserInput(`${currency} amounts have at most ${exponent} decimal places`, { field: "amount" });
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, "0"));
  if (minor <= 0n) throw badUserInput("Amount must be greater than zero", { field: "amount" });
  if (minor > MAX_MINOR_UNITS) throw badUserInput("Amount is too large", { field: "amount" });
  return minor;
}

/** Formats minor units with the currency's exact scale: 1050n USD → "10.50", -7n BHD → "-0.007". */
export function formatAmount(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  if (exponent === 0) return `${negative ? "-" : ""}${digits}`;
  const padded = digits.padStart(exponent + 1, "0");
  const whole = padded.slice(0, -exponent);
  const fraction = padded.slice(-exponent);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

export interface Money {
  amount: string;
  currency: string;
}

export function money(minor: bigint, currency: string): Money {
  return { amount: formatAmount(minor, currency), currency };
}
