import { test } from "node:test";
import assert from "node:assert/strict";
import { SecretBox, mfaSecretBox } from "../src/secret-box.js";

const KEY = "k".repeat(40);

test("round trip, with a fresh IV each time", () => {
  const box = new SecretBox(KEY, "label");
  const a = box.seal("JBSWY3DPEHPK3PXP", "user-1");
  const b = box.seal("JBSWY3DPEHPK3PXP", "user-1");
  assert.notEqual(a, b);
  assert.doesNotMatch(a, /JBSWY3DPEHPK3PXP/);
  assert.equal(box.open(a, "user-1"), "JBSWY3DPEHPK3PXP");
  assert.equal(box.open(b, "user-1"), "JBSWY3DPEHPK3PXP");
});

test("refuses another owner, another key, another label and any tampering", () => {
  const box = new SecretBox(KEY, "label");
  const sealed = box.seal("secret", "user-1");
  assert.throws(() => box.open(sealed, "user-2"));
  assert.throws(() => new SecretBox("z".repeat(40), "label").open(sealed, "user-1"));
  assert.throws(() => new SecretBox(KEY, "other label").open(sealed, "user-1"));
  const [version, iv, body, tag] = sealed.split(".");
  const flipped = Buffer.from(body!, "base64url");
  flipped[0] = flipped[0]! ^ 1;
  assert.throws(() => box.open([version, iv, flipped.toString("base64url"), tag].join("."), "user-1"));
  assert.throws(() => box.open("v0.a.b.c", "user-1"));
});

test("the MFA key is required in production and derived (distinctly) from the identity secret elsewhere", () => {
  assert.throws(() => mfaSecretBox({ ROUTER_IDENTITY_SECRET: KEY, NODE_ENV: "production" }), /MFA_ENCRYPTION_KEY/);
  const dev = mfaSecretBox({ ROUTER_IDENTITY_SECRET: KEY, NODE_ENV: "development" });
  const sealed = dev.seal("s", "u");
  assert.equal(mfaSecretBox({ ROUTER_IDENTITY_SECRET: KEY, NODE_ENV: "test" }).open(sealed, "u"), "s");
  // Not the identity secret itself (nor the configured key): a distinct HKDF label.
  assert.throws(() => new SecretBox(KEY, "mfa-secret-encryption v1").open(sealed, "u"));
  const configured = mfaSecretBox({ MFA_ENCRYPTION_KEY: "m".repeat(32), ROUTER_IDENTITY_SECRET: KEY, NODE_ENV: "production" });
  assert.equal(configured.open(configured.seal("s", "u"), "u"), "s");
});
