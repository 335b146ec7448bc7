import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GraphQLError } from "graphql";
import { reportingConfigSchema } from "../src/config.js";
import { isTimeZone, localMidnight, parseZonedMonth } from "../src/periods.js";
import { STATEMENT_SETTLEMENT_MS, buildStatement } from "../src/statement.js";

describe("statement months in the bank's time zone", () => {
  test("UTC months run from UTC midnight to UTC midnight", () => {
    const { start, end } = parseZonedMonth("2026-02", "UTC");
    assert.equal(start.toISOString(), "2026-02-01T00:00:00.000Z");
    assert.equal(end.toISOString(), "2026-03-01T00:00:00.000Z");
  });

  test("a zone ahead of UTC starts the month the evening before in UTC, across a DST change", () => {
    // Paris: UTC+1 in March until the last Sunday, UTC+2 from then on (April).
    const { start, end } = parseZonedMonth("2026-03", "Europe/Paris");
    assert.equal(start.toISOString(), "2026-02-28T23:00:00.000Z");
    assert.equal(end.toISOString(), "2026-03-31T22:00:00.000Z");
  });

  test("a zone behind UTC, and December rolls into the next year", () => {
    const { start, end } = parseZonedMonth("2026-12", "America/New_York");
    assert.equal(start.toISOString(), "2026-12-01T05:00:00.000Z");
    assert.equal(end.toISOString(), "2027-01-01T05:00:00.000Z");
  });

  test("every month of a year tiles: each month ends where the next starts, in several zones", () => {
    for (const zone of ["UTC", "Europe/London", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "Pacific/Chatham"]) {
      for (let month = 1; month <= 12; month++) {
        const current = parseZonedMonth(`2027-${String(month).padStart(2, "0")}`, zone);
        const local = new Intl.DateTimeFormat("en-CA", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).format(current.start);
        assert.equal(local, `2027-${String(month).padStart(2, "0")}-01, 00:00`, `${zone} ${month}`);
        if (month < 12) assert.equal(current.end.getTime(), parseZonedMonth(`2027-${String(month + 1).padStart(2, "0")}`, zone).start.getTime());
      }
    }
    assert.equal(localMidnight(2027, 13, 1, "UTC").toISOString(), "2028-01-01T00:00:00.000Z");
  });

  test("a malformed month is BAD_USER_INPUT; an unknown zone is refused at start", () => {
    assert.throws(() => parseZonedMonth("2026-13", "UTC"), (error: unknown) => error instanceof GraphQLError && error.extensions.code === "BAD_USER_INPUT");
    assert.equal(isTimeZone("Europe/Paris"), true);
    assert.equal(isTimeZone("Mars/Olympus"), false);
    const parsed = reportingConfigSchema.shape.BANK_TIME_ZONE.safeParse("Mars/Olympus");
    assert.equal(parsed.success, false);
  });
});

describe("provisional statements", () => {
  const slice = {
    accountId: "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
    currency: "EUR",
    openingBalanceMinor: "100",
    closingBalanceMinor: "100",
    entries: [],
  };
  const from = new Date("2026-11-01T00:00:00Z");
  const to = new Date("2026-12-01T00:00:00Z");

  test("a period still open, or closed less than the settlement margin ago, is provisional", () => {
    assert.equal(buildStatement(slice, from, to, new Date("2026-11-20T00:00:00Z")).provisional, true);
    assert.equal(buildStatement(slice, from, to, new Date(to.getTime() + STATEMENT_SETTLEMENT_MS - 1)).provisional, true);
  });

  test("a closed period's statement is final", () => {
    assert.equal(buildStatement(slice, from, to, new Date(to.getTime() + STATEMENT_SETTLEMENT_MS)).provisional, false);
  });
});
