// UTC days and months as the reports name them (YYYY-MM-DD, YYYY-MM), validated into half-open instants.
import { badUserInput } from "../../../kernel/errors.js";
import { isSupportedCurrency } from "../../../kernel/money.js";

export interface DayRange {
  /** First instant (inclusive). */
  start: Date;
  /** End instant (exclusive). */
  end: Date;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar day, or BAD_USER_INPUT naming the field. */
export function parseDay(value: string, field = "date"): Date {
  const match = DAY.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || Number.isNaN(date.getTime()) || dayOf(date) !== value.trim()) {
    throw badUserInput(`\`${field}\` must be a calendar day as YYYY-MM-DD`, { field });
  }
  return date;
}

export function parseMonth(value: string, field = "month"): DayRange {
  const match = MONTH.exec(value.trim());
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) throw badUserInput(`\`${field}\` must be a month as YYYY-MM`, { field });
  return { start: new Date(Date.UTC(Number(match[1]), month - 1, 1)), end: new Date(Date.UTC(Number(match[1]), month, 1)) };
}

/** The UTC day of an instant, as YYYY-MM-DD. */
export function dayOf(instant: Date | string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

export function parseCurrency(value: string): string {
  const currency = value.trim().toUpperCase();
  if (!isSupportedCurrency(currency)) throw badUserInput("`currency` must be a supported ISO 4217 code", { field: "currency" });
  return currency;
}
