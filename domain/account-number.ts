// IBAN-style account numbers (ISO 13616 check digits, mod-97). Pure functions shared by the accounts
// subgraph (which issues numbers) and the ledger (which accepts numbers as transfer counterparties).

const SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

/** Remainder of the number's digit string (letters as 10..35) modulo 97, computed piecewise. */
export function mod97(digits: string): number {
  let remainder = 0;
  for (const char of digits) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

export function computeCheckDigits(country: string, bban: string): string {
  const remainder = mod97(`${bban}${country}00`);
  return String(98 - remainder).padStart(2, "0");
}

export function normaliseAccountNumber(input: string): string {
  return input.replace(/\s+/g, "").toUpperCase();
}

/** Normalises spacing and case, then checks shape and mod-97 check digits. */
export function isValidAccountNumber(input: string): boolean {
  const number = normaliseAccountNumber(input);
  if (!SHAPE.test(number) || number.length > 34) return false;
  return mod97(`${number.slice(4)}${number.slice(0, 4)}`) === 1;
}
