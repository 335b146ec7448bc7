// UTC days and months as the reports name them (YYYY-MM-DD, YYYY-MM), validated into half-open instants.
import { badUserInput } from "#kernel/errors.js";
import { isSupportedCurrency } from "#domain/money.js";

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

/** True when `name` is a time zone this runtime knows (IANA names, and UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - (instant - (instant % 1000));
}

/**
 * The instant the wall clock of `timeZone` reads midnight starting the given day (month is 1-based, and may
 * be 13 for January of the next year). Found from the UTC midnight, corrected by the zone's offset there
 * and again at the result (a DST change between the two).
 */
export function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const utcMidnight = Date.UTC(year, month - 1, day);
  let instant = utcMidnight - zoneOffsetMs(utcMidnight, timeZone);
  instant = utcMidnight - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

/** A month (YYYY-MM) in the bank's time zone, as half-open instants. */
export function parseZonedMonth(value: string, timeZone: string, field = "month"): DayRange {
  const utc = parseMonth(value, field);
  const year = utc.start.getUTCFullYear();
  const month = utc.start.getUTCMonth() + 1;
  return { start: localMidnight(year, month, 1, timeZone), end: localMidnight(year, month + 1, 1, timeZone) };
}
