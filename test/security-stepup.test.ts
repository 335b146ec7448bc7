// Issue 14, §2: a stolen access token is not an account. Reproduced as the attacker did it, through the real
// router: the token of a session signed in an hour ago (so no recent login), without the password.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventually } from "./support/wait.js";
import { SHARED_PLATFORM_SETTINGS, useDatabase, useSharedPlatform } from "./support/platform.js";
import { graphql, type GraphQLResponse } from "./support/stack.js";
import { claimsOf, errorCode, loginFull, refresh, signIn, signUp, STRONG_PASSWORD, totpNow, uniqueEmail } from "./support/identity.js";

const SESSION_FAILURES = Number(SHARED_PLATFORM_SETTINGS.STEP_UP_MAX_FAILURES_PER_SESSION);
const ACCOUNT_ADDRESS_FAILURES = Number(SHARED_PLATFORM_SETTINGS.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS);

// The run's shared platform: every test signs up the customer it attacks.
const platform = useSharedPlatform();
const db = useDatabase(platform);

const ENROLL = `mutation($pw: String) { enrollMfa(currentPassword: $pw) { secret recoveryCodes } }`;
const CONFIRM = `mutation($code: String!, $pw: String) { confirmMfa(code: $code, currentPassword: $pw) { mfaEnabled } }`;
const DISABLE = `mutation($code: String!, $pw: String) { disableMfa(code: $code, currentPassword: $pw) { mfaEnabled } }`;
const CHANGE_PASSWORD = `mutation($current: String!, $next: String!, $totp: String) {
  changePassword(currentPassword: $current, newPassword: $next, totp: $totp) }`;
const NOTIFICATIONS = `{ me { notifications(first: 50) { edges { node { kind title } } } } }`;

async function notificationKinds(token: string): Promise<{ kind: string; title: string }[]> {
  const { body } = await graphql<{ me: { notifications: { edges: { node: { kind: string; title: string } }[] } } }>(platform.routerUrl, NOTIFICATIONS, {}, token);
  return body.data?.me.notifications.edges.map((edge) => edge.node) ?? [];
}

/**
 * What an attacker holds: a valid access token of a session whose password login was an hour ago (the
 * session's auth time moved back, then refreshed: the new token carries the old `auth_time`, as in life).
 */
async function stolenToken(email: string, password = STRONG_PASSWORD, totp?: string): Promise<string> {
  const session = await signIn(platform.routerUrl, email, password, totp);
  const sid = String(claimsOf(session.accessToken).payload.sid);
  await db.pool.query(`UPDATE users.sessions SET auth_time = now() - interval '1 hour' WHERE id = $1`, [sid]);
  const refreshed = await refresh(platform.routerUrl, session.refreshToken);
  const token = (refreshed.body.data as { refreshToken: { accessToken: string } }).refreshToken.accessToken;
  assert.ok(Date.now() / 1000 - Number(claimsOf(token).payload.auth_time) > 3000, "the refreshed token keeps the old auth_time");
  return token;
}

function assertCode(response: GraphQLResponse, code: string, what: string) {
  assert.equal(errorCode(response), code, `${what}: ${JSON.stringify(response.body.errors)}`);
}

describe("changePassword is no password oracle", () => {
  test(`wrong current passwords count like failed logins; after ${SESSION_FAILURES} the thief's session is revoked`, async () => {
    const email = uniqueEmail("oracle");
    const owner = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Olive Owner" });
    const token = await stolenToken(email);
    const requestIds: string[] = [];
    for (let guess = 1; guess < SESSION_FAILURES; guess += 1) {
      const response = await graphql(platform.routerUrl, CHANGE_PASSWORD, { current: `guess-number-${guess}-xx`, next: "attacker-owns-this-1" }, token);
      assertCode(response, "INVALID_CREDENTIALS", `guess ${guess}`);
      requestIds.push(String((response.body.errors![0]!.extensions as { requestId?: string }).requestId));
    }
    const last = await graphql(platform.routerUrl, CHANGE_PASSWORD, { current: "guess-number-last-xx", next: "attacker-owns-this-1" }, token);
    assertCode(last, "UNAUTHENTICATED", "the guess that used up the session's allowance");
    requestIds.push(String((last.body.errors![0]!.extensions as { requestId?: string }).requestId));
    // The audit trail records each guess as a failure, the revoking one as denied (never as a success because
    // it wrote security events).
    const audit = await eventually(
      "the audit records of the guesses",
      async () => (await db.pool.query(`SELECT outcome::text AS outcome, error_code FROM audit.audit_events WHERE action = 'changePassword' AND request_id = ANY($1)`, [requestIds])).rows,
      (rows) => rows.length >= requestIds.length,
    );
    assert.deepEqual(audit.map((row) => `${row.outcome}:${row.error_code}`).sort(), [
      "DENIED:UNAUTHENTICATED",
      ...Array.from({ length: SESSION_FAILURES - 1 }, () => "FAILURE:INVALID_CREDENTIALS"),
    ]);
    // The stolen token is dead at the router: even the right password cannot be tried with it any more.
    assertCode(await graphql(platform.routerUrl, CHANGE_PASSWORD, { current: STRONG_PASSWORD, next: "attacker-owns-this-1" }, token), "UNAUTHENTICATED", "the revoked token");
    // The owner keeps their own session and password, and is told.
    assert.equal(errorCode(await graphql(platform.routerUrl, `{ me { id } }`, {}, owner.accessToken)), undefined);
    const kinds = await eventually("the owner's security alert", () => notificationKinds(owner.accessToken), (list) => list.some((n) => n.kind === "SECURITY_ALERT"));
    assert.ok(kinds.some((n) => n.title === "A session was signed out"), JSON.stringify(kinds));
  });

  test("the same per-account counter as login: password guesses through changePassword stop that address's logins", async () => {
    const email = uniqueEmail("shared-counter");
    await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Sam Shared" });
    const token = await stolenToken(email);
    for (let guess = 1; guess < SESSION_FAILURES; guess += 1) {
      await graphql(platform.routerUrl, CHANGE_PASSWORD, { current: `guess-${guess}-wrong-pw`, next: "attacker-owns-this-1" }, token);
    }
    // Two more failures by login from the same address make five: the address is stopped for this account.
    for (let i = SESSION_FAILURES - 1; i < ACCOUNT_ADDRESS_FAILURES; i += 1) {
      assertCode(await loginFull(platform.routerUrl, email, `login-guess-${i}-wrong`), "INVALID_CREDENTIALS", `login guess ${i}`);
    }
    assertCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD), "TOO_MANY_ATTEMPTS", "the guessing address, even with the right password");
  });

  test("with MFA on and no recent login, the right password alone does not change it: the code is needed too", async () => {
    const email = uniqueEmail("pw-mfa");
    const owner = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Mia Mfa" });
    const enrollment = (await graphql(platform.routerUrl, ENROLL, {}, owner.accessToken)).body.data!.enrollMfa as { secret: string; recoveryCodes: string[] };
    assert.equal((await graphql(platform.routerUrl, CONFIRM, { code: totpNow(enrollment.secret) }, owner.accessToken)).body.data?.confirmMfa.mfaEnabled, true);
    const token = await stolenToken(email, STRONG_PASSWORD, totpNow(enrollment.secret, 1));
    const withoutCode = await graphql(platform.routerUrl, CHANGE_PASSWORD, { current: STRONG_PASSWORD, next: "a-brand-new-secret-77" }, token);
    assertCode(withoutCode, "MFA_REQUIRED", "password without code");
    // (A recovery code: the one-time codes of this step and the next were used by the confirmation and the login.)
    const withCode = await graphql(platform.routerUrl, CHANGE_PASSWORD, { current: STRONG_PASSWORD, next: "a-brand-new-secret-77", totp: enrollment.recoveryCodes[0] }, token);
    assert.equal(withCode.body.data?.changePassword, true, JSON.stringify(withCode.body.errors));
    const kinds = await eventually("the password-changed notification", () => notificationKinds(token), (list) => list.some((n) => n.kind === "PASSWORD_CHANGED"));
    assert.ok(kinds.length > 0);
  });
});

describe("the owner's own typos", () => {
  test("a right password in between restarts the session's count: the owner is not signed out for occasional typos", async () => {
    const email = uniqueEmail("typos");
    await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Tia Typo" });
    const session = await stolenToken(email); // the owner's own session, signed in an hour ago
    const wrongTwice = async () => {
      for (let i = 0; i < SESSION_FAILURES - 1; i += 1) {
        assertCode(await graphql(platform.routerUrl, ENROLL, { pw: `typo-${i}-password` }, session), "INVALID_CREDENTIALS", `typo ${i}`);
      }
    };
    await wrongTwice();
    const enrolled = await graphql(platform.routerUrl, ENROLL, { pw: STRONG_PASSWORD }, session);
    assert.equal(enrolled.body.errors, undefined, JSON.stringify(enrolled.body.errors));
    await wrongTwice();
    assert.equal(errorCode(await graphql(platform.routerUrl, `{ me { id } }`, {}, session)), undefined, "the session is still open");
  });
});

describe("MFA changes need step-up", () => {
  test("a stolen token cannot enrol the attacker's authenticator (the owner would be locked out)", async () => {
    const email = uniqueEmail("enrol-theft");
    const owner = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Ena Enrol" });
    const token = await stolenToken(email);
    const attempt = await graphql(platform.routerUrl, ENROLL, {}, token);
    assertCode(attempt, "REAUTHENTICATION_REQUIRED", "enrolMfa with the token alone");
    assert.equal(attempt.body.data ?? null, null, "no secret handed out");
    const wrong = await graphql(platform.routerUrl, ENROLL, { pw: "not-the-password-1" }, token);
    assertCode(wrong, "INVALID_CREDENTIALS", "enrolMfa with a guessed password");
    // Nothing changed: the owner still signs in with the password alone.
    const relogin = await signIn(platform.routerUrl, email, STRONG_PASSWORD);
    assert.equal(relogin.user.mfaEnabled, false);
    assert.equal(owner.user.id, relogin.user.id);
  });

  test("the owner steps up with the password (or signs in again) and is notified of each change", async () => {
    const email = uniqueEmail("enrol-owner");
    await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Otto Owner" });
    const oldSession = await stolenToken(email); // the owner's own session, signed in an hour ago
    const enrolled = await graphql(platform.routerUrl, ENROLL, { pw: STRONG_PASSWORD }, oldSession);
    const { secret, recoveryCodes } = enrolled.body.data!.enrollMfa as { secret: string; recoveryCodes: string[] };
    assert.ok(secret, JSON.stringify(enrolled.body.errors));
    assertCode(await graphql(platform.routerUrl, CONFIRM, { code: totpNow(secret) }, oldSession), "REAUTHENTICATION_REQUIRED", "confirm without step-up");
    const confirmed = await graphql(platform.routerUrl, CONFIRM, { code: totpNow(secret), pw: STRONG_PASSWORD }, oldSession);
    assert.equal(confirmed.body.data?.confirmMfa.mfaEnabled, true, JSON.stringify(confirmed.body.errors));
    // Disabling: the code alone is not enough with an old session; a fresh login is.
    assertCode(await graphql(platform.routerUrl, DISABLE, { code: totpNow(secret, 1) }, oldSession), "REAUTHENTICATION_REQUIRED", "disable without step-up");
    const fresh = await signIn(platform.routerUrl, email, STRONG_PASSWORD, totpNow(secret, 1));
    const disabled = await graphql(platform.routerUrl, DISABLE, { code: recoveryCodes[0] }, fresh.accessToken);
    assert.equal(disabled.body.data?.disableMfa.mfaEnabled, false, JSON.stringify(disabled.body.errors));
    const notes = await eventually(
      "three MFA notifications (enrolment started, enabled, disabled)",
      () => notificationKinds(fresh.accessToken),
      (list) => list.filter((n) => n.kind === "MFA_CHANGED").length >= 3,
    );
    const titles = notes.filter((n) => n.kind === "MFA_CHANGED").map((n) => n.title).sort();
    assert.deepEqual(titles, ["Two-factor authentication disabled", "Two-factor authentication enabled", "Two-factor authentication set-up started"]);
  });
});
