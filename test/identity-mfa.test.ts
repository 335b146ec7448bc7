// TOTP multi-factor authentication through the real router: enrollment, confirmation, login with and
// without a code, code reuse, recovery codes (single use), disabling.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { useDatabase, useSharedPlatform } from "./support/platform.js";
import { graphql } from "./support/stack.js";
import { claimsOf, errorCode, loginFull, signIn, signUp, STRONG_PASSWORD, totpNow, uniqueEmail } from "./support/identity.js";

// The run's shared platform: every test signs up customers of its own.
const platform = useSharedPlatform();
const db = useDatabase(platform);

const ENROLL = `mutation { enrollMfa { otpauthUri secret recoveryCodes } }`;
const CONFIRM = `mutation($code: String!) { confirmMfa(code: $code) { id mfaEnabled } }`;
const DISABLE = `mutation($code: String!) { disableMfa(code: $code) { id mfaEnabled } }`;

interface Enrollment {
  otpauthUri: string;
  secret: string;
  recoveryCodes: string[];
}

/** Waits until the next 30-second step starts when fewer than `margin` ms are left in this one. */
async function awayFromStepEdge(margin = 3000) {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

async function userWithMfa(label: string) {
  const email = uniqueEmail(label);
  const login = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: label });
  const enrolled = await graphql<{ enrollMfa: Enrollment }>(platform.routerUrl, ENROLL, {}, login.accessToken);
  const enrollment = enrolled.body.data!.enrollMfa;
  await awayFromStepEdge();
  const confirmed = await graphql(platform.routerUrl, CONFIRM, { code: totpNow(enrollment.secret) }, login.accessToken);
  assert.equal(confirmed.body.data?.confirmMfa.mfaEnabled, true, JSON.stringify(confirmed.body.errors));
  return { email, login, enrollment };
}

describe("MFA enrollment", () => {
  test("enrollMfa returns a URI, secret and ten recovery codes; the secret is stored encrypted, codes hashed", async () => {
    const email = uniqueEmail("enroll");
    const login = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Enroll" });
    const { body } = await graphql<{ enrollMfa: Enrollment }>(platform.routerUrl, ENROLL, {}, login.accessToken);
    const enrollment = body.data!.enrollMfa;
    assert.match(enrollment.otpauthUri, /^otpauth:\/\/totp\/FedBank:/);
    assert.ok(enrollment.otpauthUri.includes(`secret=${enrollment.secret}`));
    assert.equal(enrollment.recoveryCodes.length, 10);
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: login.user.id }, include: { recoveryCodes: true } });
    assert.equal(row.mfaEnabled, false, "not enabled before confirmation");
    assert.ok(row.mfaSecretEncrypted);
    assert.ok(!row.mfaSecretEncrypted.includes(enrollment.secret), "the secret is not stored in clear");
    assert.equal(row.recoveryCodes.length, 10);
    for (const code of enrollment.recoveryCodes) {
      assert.ok(row.recoveryCodes.every((stored) => !stored.codeHash.includes(code)), "recovery codes are stored hashed");
    }
    // Until confirmed, login does not ask for a code.
    const again = await signIn(platform.routerUrl, email, STRONG_PASSWORD);
    assert.deepEqual(claimsOf(again.accessToken).payload.amr, ["pwd"]);
  });

  test("confirmMfa refuses a wrong code and accepts the current one", async () => {
    const login = await signUp(platform.routerUrl, { email: uniqueEmail("confirm"), password: STRONG_PASSWORD, name: "Confirm" });
    const { body } = await graphql<{ enrollMfa: Enrollment }>(platform.routerUrl, ENROLL, {}, login.accessToken);
    const secret = body.data!.enrollMfa.secret;
    await awayFromStepEdge();
    const right = totpNow(secret);
    const wrong = right === "000000" ? "111111" : "000000";
    assert.equal(errorCode(await graphql(platform.routerUrl, CONFIRM, { code: wrong }, login.accessToken)), "INVALID_MFA_CODE");
    const ok = await graphql(platform.routerUrl, CONFIRM, { code: right }, login.accessToken);
    assert.equal(ok.body.data?.confirmMfa.mfaEnabled, true);
    const events = await db.prisma.securityEvent.count({ where: { userId: login.user.id, type: "MFA_ENABLED" } });
    assert.equal(events, 1);
    assert.equal(errorCode(await graphql(platform.routerUrl, ENROLL, {}, login.accessToken)), "INVALID_STATE", "no silent re-enrollment");
  });
});

describe("login with MFA", () => {
  test("without a code: MFA_REQUIRED; wrong code: INVALID_MFA_CODE; right code: tokens with amr pwd+otp", async () => {
    const { email, login, enrollment } = await userWithMfa("login");
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD)), "MFA_REQUIRED");
    // A wrong password still says INVALID_CREDENTIALS, code or not: MFA does not reveal the password's validity to the wrong guesser.
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, "wrong-password-123", "123456")), "INVALID_CREDENTIALS");
    await awayFromStepEdge();
    const code = totpNow(enrollment.secret, 1);
    const wrong = code === "999999" ? "888888" : "999999";
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD, wrong)), "INVALID_MFA_CODE");
    const failures = await db.prisma.securityEvent.findMany({ where: { type: "LOGIN_FAILED", userId: login.user.id } });
    assert.ok(failures.some((event) => (event.details as { reason?: string }).reason === "wrong_mfa_code"), "a wrong code counts as a failed attempt");
    // One step ahead is within the ±1 window (clock drift of the phone).
    const payload = await signIn(platform.routerUrl, email, STRONG_PASSWORD, code);
    assert.deepEqual(claimsOf(payload.accessToken).payload.amr, ["pwd", "otp"]);
    assert.equal(payload.user.mfaEnabled, true);
  });

  test("a code is accepted once: the same code again is refused", async () => {
    const { email, enrollment } = await userWithMfa("replay");
    await awayFromStepEdge();
    // The confirmation used the current step; the next step's code is fresh.
    const code = totpNow(enrollment.secret, 1);
    await signIn(platform.routerUrl, email, STRONG_PASSWORD, code);
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD, code)), "INVALID_MFA_CODE");
    // And the code already used to confirm enrollment is older than the last accepted one.
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD, totpNow(enrollment.secret))), "INVALID_MFA_CODE");
  });

  test("a recovery code replaces a one-time code, once", async () => {
    const { email, enrollment } = await userWithMfa("recovery");
    const [first, second] = enrollment.recoveryCodes;
    const payload = await signIn(platform.routerUrl, email, STRONG_PASSWORD, first!.toLowerCase());
    assert.deepEqual(claimsOf(payload.accessToken).payload.amr, ["pwd", "otp"]);
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD, first)), "INVALID_MFA_CODE", "single use");
    await signIn(platform.routerUrl, email, STRONG_PASSWORD, second);
    const used = await db.prisma.mfaRecoveryCode.count({ where: { userId: payload.user.id, usedAt: { not: null } } });
    assert.equal(used, 2);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: payload.user.id, type: "MFA_RECOVERY_CODE_USED" } }), 2);
  });

  test("disableMfa needs a valid code; afterwards login needs only the password", async () => {
    const { email, login, enrollment } = await userWithMfa("disable");
    assert.equal(errorCode(await graphql(platform.routerUrl, DISABLE, { code: "NOT-A-REAL-CODE" }, login.accessToken)), "INVALID_MFA_CODE");
    const { body } = await graphql(platform.routerUrl, DISABLE, { code: enrollment.recoveryCodes[3] }, login.accessToken);
    assert.equal(body.data?.disableMfa.mfaEnabled, false, JSON.stringify(body.errors));
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: login.user.id }, include: { recoveryCodes: true } });
    assert.equal(row.mfaSecretEncrypted, null);
    assert.equal(row.recoveryCodes.length, 0);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: login.user.id, type: "MFA_DISABLED" } }), 1);
    const plain = await signIn(platform.routerUrl, email, STRONG_PASSWORD);
    assert.deepEqual(claimsOf(plain.accessToken).payload.amr, ["pwd"]);
  });

  test("refreshing an MFA session keeps amr pwd+otp", async () => {
    const { email, enrollment } = await userWithMfa("refresh");
    await awayFromStepEdge();
    const payload = await signIn(platform.routerUrl, email, STRONG_PASSWORD, totpNow(enrollment.secret, 1));
    const { body } = await graphql(platform.routerUrl, `mutation($t: String!) { refreshToken(token: $t) { accessToken } }`, { t: payload.refreshToken });
    assert.deepEqual(claimsOf(body.data!.refreshToken.accessToken).payload.amr, ["pwd", "otp"]);
  });
});
