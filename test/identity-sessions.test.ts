// Registration, login, refresh-token rotation with reuse detection, logout: through the real router.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createSharedStore, type SharedStore } from "#kernel/shared-store.js";
import { isSessionRevoked } from "#kernel/revocation.js";
import { createLogger } from "#kernel/logger.js";
import { useDatabase, useSharedPlatform } from "./support/platform.js";
import { DEMO_PASSWORD, graphql, TEST_REDIS_URL } from "./support/stack.js";
import { claimsOf, errorCode, ME, refresh, registerUser, signIn, signUp, STRONG_PASSWORD, uniqueEmail, loginFull } from "./support/identity.js";

// The run's shared platform: the demo customers only sign in; what fails or ends sessions is done to
// customers registered here.
const platform = useSharedPlatform();
const db = useDatabase(platform);
let store: SharedStore;

before(async () => {
  await platform.ready;
  store = await createSharedStore({ url: TEST_REDIS_URL, prefix: platform.redisKeyPrefix, logger: createLogger("test", "silent") });
});

after(async () => {
  await store?.close();
});

describe("register", () => {
  test("a new customer registers with a normalised email and is signed in", async () => {
    const email = uniqueEmail("Reg");
    const payload = await signUp(platform.routerUrl, { email: `  ${email.toUpperCase()} `, password: STRONG_PASSWORD, name: "  Rita Register " });
    assert.equal(payload.user.email, email.toLowerCase());
    assert.equal(payload.user.name, "Rita Register");
    assert.equal(payload.user.role, "CUSTOMER");
    assert.equal(payload.tokenType, "Bearer");
    const { body } = await graphql(platform.routerUrl, ME, {}, payload.accessToken);
    assert.equal(body.data?.me.email, email.toLowerCase());
    // Stored as an argon2id hash, never the password.
    const row = await db.prisma.user.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
    assert.match(row.passwordHash, /^\$argon2id\$/);
  });

  test("the password policy: length, common passwords (any case), the email's local part", async () => {
    const cases: [string, RegExp][] = [
      ["short-pw-11", /at least 12/],
      ["Password123456", /too common/],
      ["QwertyUIOP123", /too common/],
      ["x".repeat(129), /at most 128/],
    ];
    for (const [password, message] of cases) {
      const response = await registerUser(platform.routerUrl, { email: uniqueEmail("weak"), password, name: "Weak" });
      assert.equal(errorCode(response), "WEAK_PASSWORD", password);
      assert.match(response.body.errors![0]!.message, message);
    }
    const email = uniqueEmail("marguerite");
    const local = email.split("@")[0]!;
    const response = await registerUser(platform.routerUrl, { email, password: `My-${local.toUpperCase()}-pass`, name: "M" });
    assert.equal(errorCode(response), "WEAK_PASSWORD");
    assert.match(response.body.errors![0]!.message, /email/);
    assert.equal(await db.prisma.user.count({ where: { email } }), 0, "nothing was created");
  });

  test("a taken email (in any case or spacing) fails with EMAIL_TAKEN; bad input with BAD_USER_INPUT", async () => {
    const email = uniqueEmail("dup");
    await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "First" });
    const again = await registerUser(platform.routerUrl, { email: ` ${email.toUpperCase()}`, password: STRONG_PASSWORD, name: "Second" });
    assert.equal(errorCode(again), "EMAIL_TAKEN");
    assert.equal(errorCode(await registerUser(platform.routerUrl, { email: "not-an-email", password: STRONG_PASSWORD, name: "X" })), "BAD_USER_INPUT");
    assert.equal(errorCode(await registerUser(platform.routerUrl, { email: uniqueEmail("noname"), password: STRONG_PASSWORD, name: "  " })), "BAD_USER_INPUT");
  });
});

describe("login", () => {
  test("returns an AuthPayload whose access token carries the contract's claims", async () => {
    const payload = await signIn(platform.routerUrl, "alice@demo.bank", DEMO_PASSWORD);
    assert.equal(payload.expiresIn, 900);
    assert.equal(payload.user.email, "alice@demo.bank");
    assert.ok(Buffer.from(payload.refreshToken, "base64url").length >= 32, "refresh token has at least 256 bits");
    const { header, payload: claims } = claimsOf(payload.accessToken);
    assert.equal(header.alg, "EdDSA");
    assert.ok(header.kid);
    assert.equal(claims.sub, payload.user.id);
    assert.equal(claims.role, "CUSTOMER");
    assert.deepEqual(claims.amr, ["pwd"]);
    assert.equal(claims.exp! - claims.iat!, 900);
    assert.ok(Math.abs((claims.auth_time as number) - Date.now() / 1000) < 30);
    assert.equal(typeof claims.jti, "string");
    // The sid names a stored session; the refresh token is stored only as its SHA-256.
    const session = await db.prisma.session.findUniqueOrThrow({ where: { id: claims.sid as string }, include: { refreshTokens: true } });
    assert.equal(session.userId, payload.user.id);
    assert.deepEqual(session.refreshTokens.map((t) => t.tokenHash), [createHash("sha256").update(payload.refreshToken).digest("hex")]);
    const events = await db.prisma.securityEvent.findMany({ where: { sessionId: session.id, type: "LOGIN_SUCCEEDED" } });
    assert.equal(events.length, 1);
  });

  test("the old call shape (no totp) keeps working, and wrong passwords fail with INVALID_CREDENTIALS", async () => {
    const ok = await graphql(platform.routerUrl, `mutation { login(email: "bob@demo.bank", password: "${DEMO_PASSWORD}") { accessToken } }`);
    assert.ok(ok.body.data?.login.accessToken);
    // The wrong password on a customer of this test's own: failures on a shared demo user would count
    // toward its lockout for every suite on the platform.
    const email = uniqueEmail("wrong");
    await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Wrong Password" });
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, "not-the-password")), "INVALID_CREDENTIALS");
  });
});

describe("refresh tokens", () => {
  test("rotate: each refresh returns new tokens for the same session and invalidates the old refresh token", async () => {
    const first = await signIn(platform.routerUrl, "bob@demo.bank", DEMO_PASSWORD);
    const second = (await refresh(platform.routerUrl, first.refreshToken)).body.data?.refreshToken;
    assert.ok(second, "refresh succeeded");
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.notEqual(second.accessToken, first.accessToken);
    const before = claimsOf(first.accessToken).payload;
    const afterClaims = claimsOf(second.accessToken).payload;
    assert.equal(afterClaims.sid, before.sid, "same session");
    assert.equal(afterClaims.auth_time, before.auth_time, "auth_time is kept across refreshes");
    assert.notEqual(afterClaims.jti, before.jti);
    const { body } = await graphql(platform.routerUrl, ME, {}, second.accessToken);
    assert.equal(body.data?.me.email, "bob@demo.bank");
    const third = (await refresh(platform.routerUrl, second.refreshToken)).body.data?.refreshToken;
    assert.ok(third);
  });

  test("reusing a used refresh token revokes the whole family and records REFRESH_TOKEN_REUSED", async () => {
    const email = uniqueEmail("reuse");
    const login = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Reuse" });
    const sid = claimsOf(login.accessToken).payload.sid as string;
    const rotated = (await refresh(platform.routerUrl, login.refreshToken)).body.data!.refreshToken;
    // The attacker (or a confused client) presents the already-used token.
    const reuse = await refresh(platform.routerUrl, login.refreshToken);
    assert.equal(errorCode(reuse), "INVALID_REFRESH_TOKEN");
    // The legitimate holder's newer token is dead too: the family is revoked.
    assert.equal(errorCode(await refresh(platform.routerUrl, rotated.refreshToken)), "INVALID_REFRESH_TOKEN");
    const session = await db.prisma.session.findUniqueOrThrow({ where: { id: sid } });
    assert.ok(session.revokedAt);
    assert.equal(session.revokedReason, "REFRESH_TOKEN_REUSED");
    const events = await db.prisma.securityEvent.findMany({ where: { sessionId: sid, type: "REFRESH_TOKEN_REUSED" } });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.userId, login.user.id);
    assert.equal(await isSessionRevoked(store, sid), true, "published to the routers' revocation set");
    // A new login still works: only that session was ended.
    await signIn(platform.routerUrl, email, STRONG_PASSWORD);
  });

  test("garbage and unknown refresh tokens fail with INVALID_REFRESH_TOKEN", async () => {
    assert.equal(errorCode(await refresh(platform.routerUrl, "garbage")), "INVALID_REFRESH_TOKEN");
    assert.equal(errorCode(await refresh(platform.routerUrl, Buffer.alloc(32, 7).toString("base64url"))), "INVALID_REFRESH_TOKEN");
  });

  test("concurrent refreshes with one token: at most one succeeds and the session ends", async () => {
    const login = await signUp(platform.routerUrl, { email: uniqueEmail("race"), password: STRONG_PASSWORD, name: "Race" });
    const results = await Promise.all([1, 2, 3].map(() => refresh(platform.routerUrl, login.refreshToken)));
    const succeeded = results.filter((r) => r.body.data?.refreshToken);
    assert.ok(succeeded.length <= 1, `${succeeded.length} refreshes succeeded`);
    for (const r of results.filter((r) => !r.body.data?.refreshToken)) assert.equal(errorCode(r), "INVALID_REFRESH_TOKEN");
    for (const winner of succeeded) assert.equal(errorCode(await refresh(platform.routerUrl, winner.body.data.refreshToken.refreshToken)), "INVALID_REFRESH_TOKEN");
  });
});

describe("logout", () => {
  const LOGOUT = `mutation { logout }`;
  const LOGOUT_EVERYWHERE = `mutation { logoutEverywhere }`;

  test("logout ends this session only: its refresh token fails, it is in the revocation set, others live", async () => {
    const email = uniqueEmail("logout");
    const a = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Logout" });
    const b = await signIn(platform.routerUrl, email, STRONG_PASSWORD);
    const { body } = await graphql(platform.routerUrl, LOGOUT, {}, a.accessToken);
    assert.equal(body.data?.logout, true, JSON.stringify(body.errors));
    assert.equal(errorCode(await refresh(platform.routerUrl, a.refreshToken)), "INVALID_REFRESH_TOKEN");
    assert.equal(await isSessionRevoked(store, claimsOf(a.accessToken).payload.sid as string), true);
    assert.equal(await isSessionRevoked(store, claimsOf(b.accessToken).payload.sid as string), false);
    assert.ok((await refresh(platform.routerUrl, b.refreshToken)).body.data?.refreshToken, "the other session still refreshes");
  });

  test("logoutEverywhere ends every session of the user, and no one else's", async () => {
    const email = uniqueEmail("everywhere");
    const sessions = [await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Everywhere" })];
    sessions.push(await signIn(platform.routerUrl, email, STRONG_PASSWORD), await signIn(platform.routerUrl, email, STRONG_PASSWORD));
    const bystander = await signIn(platform.routerUrl, "bob@demo.bank", DEMO_PASSWORD);
    const { body } = await graphql(platform.routerUrl, LOGOUT_EVERYWHERE, {}, sessions[1]!.accessToken);
    assert.equal(body.data?.logoutEverywhere, 3, JSON.stringify(body.errors));
    for (const session of sessions) {
      assert.equal(errorCode(await refresh(platform.routerUrl, session.refreshToken)), "INVALID_REFRESH_TOKEN");
      assert.equal(await isSessionRevoked(store, claimsOf(session.accessToken).payload.sid as string), true);
    }
    assert.ok((await refresh(platform.routerUrl, bystander.refreshToken)).body.data?.refreshToken);
  });

  test("logout needs a signed-in caller", async () => {
    const { body } = await graphql(platform.routerUrl, LOGOUT);
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  });
});
