import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  computeCheckDigits,
  generateAccountNumber,
  isValidAccountNumber,
  normaliseAccountNumber,
} from "../src/account-number.js";

/** Every way of changing one digit of `number` (outside the country code). */
function singleDigitChanges(number: string): string[] {
  const changed: string[] = [];
  for (let i = 2; i < number.length; i += 1) {
    const char = number[i]!;
    if (!/\d/.test(char)) continue;
    for (let digit = 0; digit <= 9; digit += 1) {
      if (String(digit) === char) continue;
      changed.push(`${number.slice(0, i)}${digit}${number.slice(i + 1)}`);
    }
  }
  return changed;
}

/** Every swap of two adjacent, different characters of `number` after the country code. */
function adjacentTranspositions(number: string): string[] {
  const swapped: string[] = [];
  for (let i = 2; i < number.length - 1; i += 1) {
    const a = number[i]!;
    const b = number[i + 1]!;
    if (a === b) continue;
    swapped.push(`${number.slice(0, i)}${b}${a}${number.slice(i + 2)}`);
  }
  return swapped;
}

describe("generated account numbers", () => {
  const numbers = Array.from({ length: 200 }, () => generateAccountNumber());

  test("have the platform's shape: FB, two check digits, FDBK, fourteen digits", () => {
    for (const number of numbers) assert.match(number, /^FB\d{2}FDBK\d{14}$/);
  });

  test("all validate", () => {
    for (const number of numbers) assert.equal(isValidAccountNumber(number), true, number);
  });

  test("are not all the same", () => {
    assert.ok(new Set(numbers).size > 190, "200 generated numbers should be (almost) all distinct");
  });
});

describe("typing mistakes are caught by the check digits", () => {
  const samples = Array.from({ length: 20 }, () => generateAccountNumber());

  test("any single-digit change breaks validation", () => {
    for (const number of samples) {
      for (const changed of singleDigitChanges(number)) {
        assert.equal(isValidAccountNumber(changed), false, `${number} → ${changed}`);
      }
    }
  });

  test("any transposition of two adjacent characters breaks validation", () => {
    for (const number of samples) {
      for (const swapped of adjacentTranspositions(number)) {
        assert.equal(isValidAccountNumber(swapped), false, `${number} → ${swapped}`);
      }
    }
  });
});

describe("normalisation", () => {
  test("spaces (as printed on statements) and lower case are accepted", () => {
    const number = generateAccountNumber();
    const printed = number.replace(/(.{4})/g, "$1 ").trim();
    assert.equal(isValidAccountNumber(printed), true, printed);
    assert.equal(isValidAccountNumber(number.toLowerCase()), true);
    assert.equal(isValidAccountNumber(` ${printed.toLowerCase()}  `), true);
    assert.equal(normaliseAccountNumber(` ${printed.toLowerCase()} `), number);
  });
});

describe("real IBANs", () => {
  test("the standard's published examples validate (the algorithm is ISO 13616 mod-97)", () => {
    for (const iban of ["GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300"]) {
      assert.equal(isValidAccountNumber(iban), true, iban);
    }
  });

  test("check digits are computed as the standard does", () => {
    assert.equal(computeCheckDigits("GB", "WEST12345698765432"), "82");
    assert.equal(computeCheckDigits("DE", "370400440532013000"), "89");
  });

  test("a real IBAN with wrong check digits fails", () => {
    assert.equal(isValidAccountNumber("GB83WEST12345698765432"), false);
    assert.equal(isValidAccountNumber("GB82WEST12345698765433"), false);
  });
});

describe("garbage", () => {
  test("is refused, never thrown on", () => {
    const garbage = [
      "",
      "   ",
      "FB",
      "FB00",
      "12345678901234567890",
      "FBXXFDBK12345678901234",
      "FB82-FDBK-1234-5678",
      "GB82WEST1234569876543€",
      "💸💸💸💸",
      `FB00${"1".repeat(40)}`,
      "null",
      "GB82WEST12345698765432; DROP TABLE accounts",
    ];
    for (const input of garbage) assert.equal(isValidAccountNumber(input), false, JSON.stringify(input));
  });
});

describe("numbers cannot be guessed from one another (issue 14)", () => {
  const bodies = Array.from({ length: 500 }, () => BigInt(generateAccountNumber().slice(8)));

  test("numbers opened one after another are not neighbours", () => {
    for (let i = 1; i < bodies.length; i += 1) {
      const gap = bodies[i]! > bodies[i - 1]! ? bodies[i]! - bodies[i - 1]! : bodies[i - 1]! - bodies[i]!;
      assert.ok(gap > 1000n, `consecutive bodies ${bodies[i - 1]} and ${bodies[i]} are close`);
    }
  });

  test("every digit position is random: each takes most of the ten digits over 500 numbers", () => {
    const numbers = bodies.map((body) => body.toString().padStart(14, "0"));
    for (let position = 0; position < 14; position += 1) {
      const seen = new Set(numbers.map((number) => number[position]));
      assert.ok(seen.size >= 9, `position ${position} takes only ${seen.size} digits`);
    }
  });
});
