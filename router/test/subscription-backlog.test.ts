// The slow-consumer rule both subscription transports use (router/src/subscriptions/backlog.ts): a backlog may
// pass its limit for a burst, not stay above it, and never pass the hard cap. The whole path (a burst through
// the real router, a socket that stops reading) is in test/realtime-backpressure.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BACKLOG_GRACE_MS, BACKLOG_HARD_FACTOR, fallenBehind, type BacklogState } from "../src/subscriptions/backlog.js";

const LIMIT = 8;

describe("fallenBehind", () => {
  test("a burst above the limit, drained within the grace, is not a slow consumer; the next burst has a grace of its own", () => {
    const state: BacklogState = { overSince: -1 };
    let clock = 1_000;
    const now = () => clock;
    for (let backlog = 1; backlog <= 3 * LIMIT; backlog++) assert.equal(fallenBehind(state, backlog, LIMIT, now), false, `backlog ${backlog}`);
    clock += BACKLOG_GRACE_MS - 1;
    assert.equal(fallenBehind(state, 3 * LIMIT, LIMIT, now), false, "still within the grace");
    assert.equal(fallenBehind(state, 1, LIMIT, now), false, "drained");
    assert.equal(state.overSince, -1);
    clock += 10 * BACKLOG_GRACE_MS;
    assert.equal(fallenBehind(state, 2 * LIMIT, LIMIT, now), false, "a later burst starts its own grace");
  });

  test("a backlog that stays above the limit for the grace is a slow consumer", () => {
    const state: BacklogState = { overSince: -1 };
    let clock = 0;
    const now = () => clock;
    assert.equal(fallenBehind(state, LIMIT + 1, LIMIT, now), false);
    clock = BACKLOG_GRACE_MS / 2;
    assert.equal(fallenBehind(state, LIMIT + 2, LIMIT, now), false);
    clock = BACKLOG_GRACE_MS;
    assert.equal(fallenBehind(state, LIMIT + 3, LIMIT, now), true);
  });

  test("above the hard cap at once, whatever the time", () => {
    const state: BacklogState = { overSince: -1 };
    const now = () => 0;
    assert.equal(fallenBehind(state, LIMIT * BACKLOG_HARD_FACTOR, LIMIT, now), false, "at the cap");
    assert.equal(fallenBehind(state, LIMIT * BACKLOG_HARD_FACTOR + 1, LIMIT, now), true, "past the cap");
  });

  test("the clock is not read while the backlog is within the limit", () => {
    const state: BacklogState = { overSince: -1 };
    fallenBehind(state, LIMIT, LIMIT, () => assert.fail("clock read"));
  });
});
