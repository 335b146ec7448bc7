import { test } from "node:test";
import assert from "node:assert/strict";
import { maskName } from "../src/counterparty-names.js";
import { hasRecentLogin } from "../src/step-up.js";

const context = { stepUp: { maxAgeSeconds: 300, maxFailuresPerSession: 3 } };
const caller = (authTime?: number) => ({ userId: "u", role: "CUSTOMER" as const, sessionId: "s", ...(authTime === undefined ? {} : { authTime }) });

test("a login counts as recent within the step-up window only, and never without auth_time", () => {
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  assert.equal(hasRecentLogin(context, caller(seconds - 10), now), true);
  assert.equal(hasRecentLogin(context, caller(seconds - 299), now), true);
  assert.equal(hasRecentLogin(context, caller(seconds - 301), now), false);
  assert.equal(hasRecentLogin(context, caller(), now), false, "a token without auth_time needs the password");
  assert.equal(hasRecentLogin(context, caller(seconds + 3600), now), false, "an auth_time far in the future is not trusted");
});

test("masked names keep each word's first letter and hide the length", () => {
  assert.equal(maskName("Bob Okafor"), "B*** O***");
  assert.equal(maskName("  alice   de la Cruz "), "A*** D*** L*** C***");
  assert.equal(maskName("Ødegård"), "Ø***");
  assert.equal(maskName("X"), "X***");
});
