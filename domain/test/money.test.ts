import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GraphQLError } from "graphql";
import { MAX_MINOR_UNITS, currencyExponent, formatAmount, isSupportedCurrency, money, parseAmount } from "../money.js";

/** Asserts that `run` throws a client-facing BAD_USER_INPUT error whose message matches `message`. */
function assertBadUserInput(run: () => unknown, message: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GraphQLError, `expected a GraphQLError, got ${String(error)}`);
    assert.equal(error.extensions.code, "BAD_USER_INPUT");
    assert.match(error.message, message);
    return true;
  });
}

describe("parseAmount", () => {
  test("USD has two decimal places: whole, one and two decimals are accepted", () => {
    assert.equal(parseAmount("10", "USD"), 1000n);
    assert.equal(parseAmount("10.5", "USD"), 1050n);
    assert.equal(parseAmount("10.50", "USD"), 1050n);
    assert.equal(parseAmount("0.01", "USD"), 1n);
    assert.equal(parseAmount("1234567.89", "USD"), 123456789n);
  });

  test("JPY has no minor unit: whole yen only", () => {
    assert.equal(parseAmount("1000", "JPY"), 1000n);
    assert.equal(parseAmount("1", "JPY"), 1n);
    assertBadUserInput(() => parseAmount("1000.5", "JPY"), /JPY amounts have at most 0 decimal places/);
    assertBadUserInput(() => parseAmount("1000.0", "JPY"), /at most 0 decimal places/);
  });

  test("BHD has three decimal places (fils)", () => {
    assert.equal(parseAmount("1.234", "BHD"), 1234n);
    assert.equal(parseAmount("0.001", "BHD"), 1n);
    assert.equal(parseAmount("2.5", "BHD"), 2500n);
    assertBadUserInput(() => parseAmount("1.2345", "BHD"), /BHD amounts have at most 3 decimal places/);
  });

  test("too many decimals for the currency is a BAD_USER_INPUT naming the amount field", () => {
    assert.throws(
      () => parseAmount("10.505", "USD"),
      (error: unknown) =>
        error instanceof GraphQLError &&
        error.extensions.code === "BAD_USER_INPUT" &&
        error.extensions.field === "amount" &&
        /USD amounts have at most 2 decimal places/.test(error.message),
    );
  });

  test("zero is refused, however it is written", () => {
    for (const zero of ["0", "0.00", "0.0", "000"]) {
      assertBadUserInput(() => parseAmount(zero, "USD"), /greater than zero/);
    }
  });

  test("negative, non-numeric and oddly written amounts are refused", () => {
    for (const input of ["-1", "-0.01", "abc", "", "1e5", " 1", "1 ", "1,00", "+1", ".5", "1.", "0x10", "1.2.3", "NaN", "Infinity", "١٢"]) {
      assertBadUserInput(() => parseAmount(input, "USD"), /not a positive decimal number/);
    }
  });

  test("amounts above the platform maximum are refused", () => {
    const max = formatAmount(MAX_MINOR_UNITS, "USD");
    assert.equal(parseAmount(max, "USD"), MAX_MINOR_UNITS);
    assertBadUserInput(() => parseAmount("1000000000000000.01", "USD"), /too large/);
    assertBadUserInput(() => parseAmount("99999999999999999999", "USD"), /too large/);
    // More digits than any bigint column could hold is refused as malformed before any arithmetic.
    assertBadUserInput(() => parseAmount("1".repeat(21), "USD"), /not a positive decimal number/);
  });

  test("an unknown currency is a BAD_USER_INPUT naming the currency field", () => {
    for (const currency of ["XYZ", "usd", "", "US", "BTC"]) {
      assert.throws(
        () => parseAmount("10", currency),
        (error: unknown) =>
          error instanceof GraphQLError &&
          error.extensions.code === "BAD_USER_INPUT" &&
          error.extensions.field === "currency" &&
          error.message.includes(`"${currency}"`),
      );
    }
  });
});

describe("formatAmount", () => {
  test("writes exactly the currency's scale", () => {
    assert.equal(formatAmount(1050n, "USD"), "10.50");
    assert.equal(formatAmount(1n, "USD"), "0.01");
    assert.equal(formatAmount(0n, "USD"), "0.00");
    assert.equal(formatAmount(1000n, "JPY"), "1000");
    assert.equal(formatAmount(0n, "JPY"), "0");
    assert.equal(formatAmount(1234n, "BHD"), "1.234");
    assert.equal(formatAmount(7n, "BHD"), "0.007");
  });

  test("negative balances keep their sign and scale", () => {
    assert.equal(formatAmount(-7n, "BHD"), "-0.007");
    assert.equal(formatAmount(-1050n, "USD"), "-10.50");
    assert.equal(formatAmount(-1n, "USD"), "-0.01");
    assert.equal(formatAmount(-500n, "JPY"), "-500");
  });

  test("an unknown currency is refused", () => {
    assertBadUserInput(() => formatAmount(100n, "XYZ"), /Unknown or unsupported currency "XYZ"/);
  });

  test("money() pairs the formatted amount with its currency", () => {
    assert.deepEqual(money(-250n, "EUR"), { amount: "-2.50", currency: "EUR" });
  });
});

describe("round trip", () => {
  test("format(parse(x)) returns x written at the currency's full scale", () => {
    const cases: [string, string, string][] = [
      ["10", "USD", "10.00"],
      ["10.5", "USD", "10.50"],
      ["0.01", "USD", "0.01"],
      ["007.10", "EUR", "7.10"],
      ["1000", "JPY", "1000"],
      ["1", "KRW", "1"],
      ["0.001", "BHD", "0.001"],
      ["12.3", "KWD", "12.300"],
      ["999999999999999.99", "USD", "999999999999999.99"],
    ];
    for (const [input, currency, expected] of cases) {
      assert.equal(formatAmount(parseAmount(input, currency), currency), expected, `${input} ${currency}`);
    }
  });

  test("parse(format(n)) returns n for many minor-unit values in every supported scale", () => {
    const values = [1n, 9n, 10n, 99n, 100n, 101n, 999n, 1000n, 1001n, 123456789n, 10n ** 15n + 1n, MAX_MINOR_UNITS];
    // A deterministic spread of values without a random seed to chase on failure.
    for (let n = 1n; n < 10n ** 16n; n = n * 7n + 3n) values.push(n);
    for (const currency of ["USD", "JPY", "BHD"]) {
      for (const minor of values) {
        const text = formatAmount(minor, currency);
        assert.equal(parseAmount(text, currency), minor, `${minor} ${currency} → "${text}"`);
      }
    }
  });
});

describe("currencies", () => {
  test("ISO 4217 exponents are enforced for the common cases", () => {
    assert.equal(currencyExponent("USD"), 2);
    assert.equal(currencyExponent("JPY"), 0);
    assert.equal(currencyExponent("BHD"), 3);
    assert.equal(isSupportedCurrency("EUR"), true);
    assert.equal(isSupportedCurrency("XYZ"), false);
    assert.equal(isSupportedCurrency("toString"), false);
  });

  // A plain property lookup would let names inherited from Object.prototype pass as currencies.
  test("names inherited from Object.prototype are not currencies", () => {
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      assertBadUserInput(() => currencyExponent(name), /Unknown or unsupported currency/);
      assertBadUserInput(() => parseAmount("10", name), /Unknown or unsupported currency/);
      assertBadUserInput(() => formatAmount(1050n, name), /Unknown or unsupported currency/);
    }
  });
});
