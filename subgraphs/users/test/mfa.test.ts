import { test } from "node:test";
import assert from "node:assert/strict";
import { URI } from "otpauth";
import { acceptedTotpStep, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpCodeAt, TOTP_PERIOD_SECONDS } from "../src/mfa.js";

const STEP = TOTP_PERIOD_SECONDS * 1000;
const NOW = 1_800_000_000_000 + 10_000; // inside a step, not on its edge
const stepOf = (ms: number) => Math.floor(ms / STEP);

test("a new secret comes with an otpauth URI that authenticator apps can read", () => {
  const { secret, otpauthUri } = newTotpSecret("alice@demo.bank");
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const parsed = URI.parse(otpauthUri);
  assert.equal(parsed.issuer, "FedBank");
  assert.equal(parsed.label, "alice@demo.bank");
  assert.equal(parsed.secret.base32, secret);
});

test("accepts the current code and the codes one step before and after, nothing further", () => {
  const { secret } = newTotpSecret("x");
  assert.equal(acceptedTotpStep(secret, totpCodeAt(secret, NOW), null, NOW), stepOf(NOW));
  assert.equal(acceptedTotpStep(secret, totpCodeAt(secret, NOW - STEP), null, NOW), stepOf(NOW) - 1);
  assert.equal(acceptedTotpStep(secret, totpCodeAt(secret, NOW + STEP), null, NOW), stepOf(NOW) + 1);
  const farPast = totpCodeAt(secret, NOW - 2 * STEP);
  const farFuture = totpCodeAt(secret, NOW + 2 * STEP);
  // A code from two steps away could collide with a near one by chance (1 in a million); skip that case.
  const near = new Set([-1, 0, 1].map((d) => totpCodeAt(secret, NOW + d * STEP)));
  if (!near.has(farPast)) assert.equal(acceptedTotpStep(secret, farPast, null, NOW), null);
  if (!near.has(farFuture)) assert.equal(acceptedTotpStep(secret, farFuture, null, NOW), null);
});

test("a code is not accepted again once its step (or a later one) was used", () => {
  const { secret } = newTotpSecret("x");
  const code = totpCodeAt(secret, NOW);
  const step = acceptedTotpStep(secret, code, null, NOW);
  assert.notEqual(step, null);
  assert.equal(acceptedTotpStep(secret, code, step, NOW), null);
  assert.equal(acceptedTotpStep(secret, totpCodeAt(secret, NOW - STEP), step, NOW), null, "an older code after a newer one");
  assert.equal(acceptedTotpStep(secret, totpCodeAt(secret, NOW + STEP), step, NOW), step! + 1);
});

test("wrong or malformed codes are refused", () => {
  const { secret } = newTotpSecret("x");
  const window = new Set([-1, 0, 1].map((d) => totpCodeAt(secret, NOW + d * STEP)));
  let wrong = 0;
  while (window.has(String(wrong).padStart(6, "0"))) wrong += 1;
  assert.equal(acceptedTotpStep(secret, String(wrong).padStart(6, "0"), null, NOW), null);
  const right = totpCodeAt(secret, NOW);
  assert.equal(acceptedTotpStep(secret, "12345", null, NOW), null);
  assert.equal(acceptedTotpStep(secret, "abcdef", null, NOW), null);
  const other = newTotpSecret("y").secret;
  if (![-1, 0, 1].some((d) => totpCodeAt(other, NOW + d * STEP) === right)) assert.equal(acceptedTotpStep(other, right, null, NOW), null);
});

test("recovery codes: ten distinct codes, hashed independently of case and dashes", () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const [first] = codes;
  assert.equal(recoveryCodeHash(first!.toLowerCase().replaceAll("-", " ")), recoveryCodeHash(first!));
  assert.match(recoveryCodeHash(first!), /^[0-9a-f]{64}$/);
});
