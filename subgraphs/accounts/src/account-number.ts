// Account numbers issued by this bank: "FB" + 2 check digits + "FDBK" + 14 digits. Validation is the
// shared pure module in kernel/ (the ledger validates numbers too).
import { randomInt } from "node:crypto";
import { computeCheckDigits } from "#domain/account-number.js";

export { computeCheckDigits, isValidAccountNumber, normaliseAccountNumber } from "#domain/account-number.js";

const COUNTRY = "FB";
const BANK_CODE = "FDBK";

export function generateAccountNumber(): string {
  let account = "";
  for (let i = 0; i < 14; i += 1) account += String(randomInt(10));
  const bban = `${BANK_CODE}${account}`;
  return `${COUNTRY}${computeCheckDigits(COUNTRY, bban)}${bban}`;
}
