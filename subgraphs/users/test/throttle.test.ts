import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createSharedStore } from "#kernel/shared-store.js";
import { createLogger } from "#kernel/logger.js";
import { LoginThrottle } from "../src/throttle.js";

const store = await createSharedStore({ prefix: "", logger: createLogger("test", "silent") });
const settings = {
  maxPerAccountAddress: 3,
  maxPerIp: 5,
  windowSeconds: 60,
  lockoutSeconds: 120,
  accountDelayAfter: 2,
  accountDelayBaseMs: 100,
  accountDelayMaxMs: 1_000,
  alertAfter: 4,
};
const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

test("stops the guessing address on that account after the allowed failures, with the remaining time", async () => {
  const throttle = new LoginThrottle(store, { ...settings, maxPerIp: 1000 });
  const email = `${randomUUID()}@x.test`;
  const guesser = randomIp();
  assert.equal((await throttle.recordFailure(email, guesser)).lockedOutNow, false);
  assert.equal((await throttle.recordFailure(email, guesser)).lockedOutNow, false);
  assert.equal((await throttle.check(email, guesser)).retryAfterSeconds, 0);
  assert.equal((await throttle.recordFailure(email, guesser)).lockedOutNow, true);
  const retry = (await throttle.check(email, guesser)).retryAfterSeconds;
  assert.ok(retry > 110 && retry <= 120, `retry after ${retry}`);
  assert.equal((await throttle.check(email, randomIp())).retryAfterSeconds, 0, "the owner from another address is not stopped");
  assert.equal((await throttle.check(`${randomUUID()}@x.test`, guesser)).retryAfterSeconds, 0, "other accounts from the guesser are not stopped");
});

test("a success clears this address's failures on the account but not the address's own count", async () => {
  const throttle = new LoginThrottle(store, settings);
  const ip = randomIp();
  const email = `${randomUUID()}@x.test`;
  await throttle.recordFailure(email, ip);
  await throttle.recordFailure(email, ip);
  await throttle.recordSuccess(email, ip);
  await throttle.recordFailure(email, ip);
  await throttle.recordFailure(email, ip);
  assert.equal((await throttle.check(email, ip)).retryAfterSeconds, 0, "(account, address) count restarted after the success");
  // The fifth failure from the IP (any account) stops the IP: the address, not that account.
  const stop = await throttle.recordFailure(`${randomUUID()}@x.test`, ip);
  assert.deepEqual({ address: stop.addressStoppedNow, account: stop.lockedOutNow }, { address: true, account: false });
  assert.ok((await throttle.check(`${randomUUID()}@x.test`, ip)).retryAfterSeconds > 0, "every account from that IP waits");
  assert.equal((await throttle.check(`${randomUUID()}@x.test`, randomIp())).retryAfterSeconds, 0);
});

test("per account only a progressive delay: growing with failures from any address, capped, never a stop", async () => {
  const throttle = new LoginThrottle(store, { ...settings, alertAfter: 1000 });
  const email = `${randomUUID()}@x.test`;
  const delays: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    await throttle.recordFailure(email, randomIp()); // a distributed guesser: a new address each time
    delays.push((await throttle.check(email, randomIp())).delayMs);
  }
  assert.deepEqual(delays, [0, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000]);
  assert.equal((await throttle.check(email, randomIp())).retryAfterSeconds, 0, "a clean address is never stopped");
});

test("the owner is alerted once, when the account's failures reach the threshold", async () => {
  const throttle = new LoginThrottle(store, { ...settings, maxPerAccountAddress: 1000, maxPerIp: 1000 });
  const email = `${randomUUID()}@x.test`;
  const alerts: boolean[] = [];
  for (let i = 0; i < 6; i += 1) alerts.push((await throttle.recordFailure(email, randomIp())).alertOwnerNow);
  assert.deepEqual(alerts, [false, false, false, true, false, false]);
});
