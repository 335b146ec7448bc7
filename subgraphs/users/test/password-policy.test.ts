import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCommonPasswords, passwordWeakness } from "../src/password-policy.js";

const common = loadCommonPasswords();

test("the shipped list has thousands of entries and does not contain the demo password", () => {
  assert.ok(common.size > 3000, `only ${common.size} entries`);
  assert.ok(common.has("password123"));
  assert.ok(common.has("qwertyuiop123"));
  assert.equal(common.has("demo-password-123"), false);
});

test("accepts a long password that is not common and not built from the email", () => {
  assert.equal(passwordWeakness("correct-stapler-vivid-7", "jane.doe@example.com", common), null);
  assert.equal(passwordWeakness("demo-password-123", "alice@demo.bank", common), null);
});

test("refuses passwords shorter than 12 characters, counting characters not bytes", () => {
  assert.match(passwordWeakness("short-pw-11", "x@y.z", common) ?? "", /at least 12/);
  assert.equal(passwordWeakness("ééééééééééé", "x@y.z", common)?.includes("at least 12"), true);
  assert.equal(passwordWeakness("ééééééééééé1", "x@y.z", common), null);
});

test("refuses absurdly long passwords", () => {
  assert.match(passwordWeakness("a1".repeat(65), "x@y.z", common) ?? "", /at most 128/);
});

test("refuses common passwords whatever their case", () => {
  assert.match(passwordWeakness("Password123456", "x@y.z", common) ?? "", /too common/);
  assert.match(passwordWeakness("QWERTYUIOP123", "x@y.z", common) ?? "", /too common/);
});

test("refuses passwords containing the email's local part", () => {
  assert.match(passwordWeakness("my-JaneDoe-secret", "janedoe@example.com", common) ?? "", /email/);
  // Local parts shorter than three characters are not checked (they would refuse too much).
  assert.equal(passwordWeakness("jo-walks-the-dog-7", "jo@example.com", common), null);
});
