import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createSharedStore } from "../../../kernel/shared-store.js";
import { createLogger } from "../../../kernel/logger.js";
import { LoginThrottle } from "../src/throttle.js";

const store = await createSharedStore({ prefix: "", logger: createLogger("test", "silent") });
const settings = { maxPerAccount: 3, maxPerIp: 5, windowSeconds: 60, lockoutSeconds: 120 };

test("locks an account out after the allowed failures, with the remaining time", async () => {
  const throttle = new LoginThrottle(store, settings);
  const email = `${randomUUID()}@x.test`;
  assert.equal((await throttle.recordFailure(email, null)).lockedOutNow, false);
  assert.equal((await throttle.recordFailure(email, null)).lockedOutNow, false);
  assert.equal(await throttle.retryAfterSeconds(email, null), 0);
  assert.equal((await throttle.recordFailure(email, null)).lockedOutNow, true);
  const retry = await throttle.retryAfterSeconds(email, null);
  assert.ok(retry > 110 && retry <= 120, `retry after ${retry}`);
  assert.equal(await throttle.retryAfterSeconds(`${randomUUID()}@x.test`, null), 0, "other accounts are not affected");
});

test("a success clears the account's failures but not the IP's", async () => {
  const throttle = new LoginThrottle(store, settings);
  const ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const email = `${randomUUID()}@x.test`;
  await throttle.recordFailure(email, ip);
  await throttle.recordFailure(email, ip);
  await throttle.recordSuccess(email);
  await throttle.recordFailure(email, ip);
  await throttle.recordFailure(email, ip);
  assert.equal(await throttle.retryAfterSeconds(email, null), 0, "account count restarted after the success");
  // The fifth failure from the IP (any account) locks the IP out.
  assert.equal((await throttle.recordFailure(`${randomUUID()}@x.test`, ip)).lockedOutNow, true);
  assert.ok((await throttle.retryAfterSeconds(`${randomUUID()}@x.test`, ip)) > 0, "every account from that IP waits");
  assert.equal(await throttle.retryAfterSeconds(`${randomUUID()}@x.test`, "10.9.9.9"), 0);
});
