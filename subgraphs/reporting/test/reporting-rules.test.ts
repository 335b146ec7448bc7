// Pure rules of the reporting subgraph: CSV quoting and formula neutralising, exact ratios, the
// reconciliation's figure-by-figure comparison and the period parsing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GraphQLError } from "graphql";
import { csvField, statementCsv } from "../src/csv.js";
import { parseDay, parseMonth } from "../src/periods.js";
import { compareFigures } from "../src/reconcile.js";
import { ratio } from "../src/summaries.js";

describe("CSV cells (RFC 4180, spreadsheet-safe)", () => {
  test("quotes fields with commas, quotes or line breaks, doubling quotes", () => {
    assert.equal(csvField({ text: "plain" }), "plain");
    assert.equal(csvField({ text: 'a "b", c' }), '"a ""b"", c"');
    assert.equal(csvField({ text: "two\r\nlines" }), '"two\r\nlines"');
  });

  test("text that a spreadsheet would evaluate gets an apostrophe; numbers stay numbers", () => {
    for (const start of ["=", "+", "-", "@", "\t"]) assert.equal(csvField({ text: `${start}1+1` }).replace(/^"/, "").startsWith("'"), true, start);
    assert.equal(csvField({ text: "=cmd|' /C calc'!A0" }), "'=cmd|' /C calc'!A0");
    assert.equal(csvField({ number: "-12.50" }), "-12.50");
  });

  test("a statement: header, opening, entries, closing, CRLF-terminated, amounts at the currency's scale", () => {
    const csv = statementCsv({
      accountId: "a", from: new Date("2026-01-01T00:00:00.000Z"), to: new Date("2026-02-01T00:00:00.000Z"), currency: "BHD",
      openingBalanceMinor: 1_000n, totalCreditsMinor: 0n, totalDebitsMinor: -250n, closingBalanceMinor: 750n,
      entries: [{ transactionId: "t1", postedAt: new Date("2026-01-02T00:00:00.000Z"), currency: "BHD", amountMinor: -250n, balanceAfterMinor: 750n, reference: "-fee", kind: "WITHDRAWAL" }],
      provisional: false,
    });
    assert.equal(
      csv,
      [
        "row,posted_at,transaction_id,kind,reference,amount,balance_after,currency",
        "OPENING,2026-01-01T00:00:00.000Z,,,,,1.000,BHD",
        "ENTRY,2026-01-02T00:00:00.000Z,t1,WITHDRAWAL,'-fee,-0.250,0.750,BHD",
        "CLOSING,2026-02-01T00:00:00.000Z,,,,,0.750,BHD",
        "",
      ].join("\r\n"),
    );
  });
});

describe("exact figures", () => {
  test("ratio rounds half up at the requested scale, without floats", () => {
    assert.equal(ratio(1n, 3n, 4), "0.3333");
    assert.equal(ratio(2n, 3n, 4), "0.6667");
    assert.equal(ratio(1n, 8n, 2), "0.13");
    assert.equal(ratio(0n, 0n, 4), "0.0000");
    assert.equal(ratio(10n ** 30n + 1n, 1n, 2), `${10n ** 30n + 1n}.00`);
  });

  test("reconciliation compares every figure of both sides; absent means zero", () => {
    const figure = (count: bigint, volumeMinor: bigint) => ({ count, volumeMinor });
    const ledger = new Map([["USD/TRANSFER", figure(3n, 900n)], ["EUR/DEPOSIT", figure(1n, 5n)]]);
    const projection = new Map([["USD/TRANSFER", figure(3n, 901n)], ["JPY/ACCOUNT_OPENED", figure(1n, 0n)]]);
    assert.deepEqual(compareFigures(ledger, projection), [
      { currency: "EUR", metric: "DEPOSIT", measure: "COUNT", ledger: "1", projection: "0" },
      { currency: "EUR", metric: "DEPOSIT", measure: "VOLUME", ledger: "5", projection: "0" },
      { currency: "JPY", metric: "ACCOUNT_OPENED", measure: "COUNT", ledger: "0", projection: "1" },
      { currency: "USD", metric: "TRANSFER", measure: "VOLUME", ledger: "900", projection: "901" },
    ]);
    assert.deepEqual(compareFigures(ledger, new Map(ledger)), []);
  });
});

describe("periods", () => {
  test("days and months are UTC calendar periods; impossible dates are BAD_USER_INPUT", () => {
    assert.equal(parseDay("2028-02-29").toISOString(), "2028-02-29T00:00:00.000Z");
    const month = parseMonth("2026-12");
    assert.deepEqual([month.start.toISOString(), month.end.toISOString()], ["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    for (const bad of ["2026-02-29", "2026-1-01", "yesterday", "2026-13-01"]) {
      assert.throws(() => parseDay(bad), (error: unknown) => error instanceof GraphQLError && error.extensions.code === "BAD_USER_INPUT", bad);
    }
    assert.throws(() => parseMonth("2026-00"));
  });
});
