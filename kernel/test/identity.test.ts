import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SignJWT, decodeJwt } from "jose";
import { IDENTITY_TTL_SECONDS, IdentityError, IdentitySigner, type Caller } from "../identity.js";

const SECRET = "router-identity-secret-for-tests-0123456789";
// What the router writes and subgraphs require; a token naming anything else must not be accepted.
const ISSUER = "fedbank-router";
const AUDIENCE = "fedbank-subgraphs";

const alice: Caller = { userId: "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10", role: "CUSTOMER", sessionId: "session-1" };
const signer = new IdentitySigner(SECRET);

const now = () => Math.floor(Date.now() / 1000);

/** A token shaped exactly like the router's, with any claim or header overridable. */
function craft(
  overrides: { secret?: string; issuer?: string; audience?: string; iat?: number; exp?: number; alg?: string; claims?: Record<string, unknown> } = {},
) {
  const jwt = new SignJWT({ rid: "req-1", role: "CUSTOMER", ...overrides.claims })
    .setProtectedHeader({ alg: overrides.alg ?? "HS256", typ: "JWT" })
    .setSubject(alice.userId)
    .setIssuer(overrides.issuer ?? ISSUER)
    .setAudience(overrides.audience ?? AUDIENCE)
    .setIssuedAt(overrides.iat ?? now())
    .setExpirationTime(overrides.exp ?? now() + 60);
  return jwt.sign(new TextEncoder().encode(overrides.secret ?? SECRET));
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function assertRejected(token: string | undefined, message?: RegExp) {
  await assert.rejects(signer.verify(token), (error: unknown) => {
    assert.ok(error instanceof IdentityError, `expected an IdentityError, got ${String(error)}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe("IdentitySigner round trip", () => {
  test("a signed caller verifies to the same caller and request id", async () => {
    const token = await signer.sign(alice, "req-42");
    assert.deepEqual(await signer.verify(token), { caller: alice, requestId: "req-42" });
  });

  test("a caller without a session keeps sessionId null", async () => {
    const teller: Caller = { userId: "c2b7e0a4-1111-4222-8333-444455556666", role: "TELLER", sessionId: null };
    assert.deepEqual(await signer.verify(await signer.sign(teller, "req-7")), { caller: teller, requestId: "req-7" });
  });

  test("an anonymous identity verifies to a null caller", async () => {
    assert.deepEqual(await signer.verify(await signer.sign(null, "req-anon")), { caller: null, requestId: "req-anon" });
  });

  test("another signer with the same secret (another router replica) is trusted", async () => {
    const replica = new IdentitySigner(SECRET);
    assert.deepEqual((await signer.verify(await replica.sign(alice, "r"))).caller, alice);
  });

  test("the identity is short-lived", async () => {
    const claims = decodeJwt(await signer.sign(alice, "req-1"));
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.aud, AUDIENCE);
    assert.ok(claims.exp !== undefined && claims.iat !== undefined);
    assert.equal(claims.exp - claims.iat, IDENTITY_TTL_SECONDS);
    assert.ok(IDENTITY_TTL_SECONDS <= 300, "a captured identity header must soon become useless");
  });
});

describe("IdentitySigner refuses what the router did not sign", () => {
  test("a missing identity", async () => {
    await assertRejected(undefined, /missing/);
    await assertRejected("", /missing/);
  });

  test("a token signed with another secret", async () => {
    const forger = new IdentitySigner("some-other-secret-of-sufficient-length!!");
    await assertRejected(await forger.sign(alice, "req-1"), /invalid router identity/);
    await assertRejected(await craft({ secret: "some-other-secret-of-sufficient-length!!" }));
  });

  test("an expired token", async () => {
    await assertRejected(await craft({ iat: now() - 600, exp: now() - 60 }), /ERR_JWT_EXPIRED/);
  });

  test("a token for another audience", async () => {
    await assertRejected(await craft({ audience: "some-other-service" }), /ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  test("a token from another issuer (e.g. a user access token)", async () => {
    await assertRejected(await craft({ issuer: "fedbank-users" }), /ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  test("a token with alg none", async () => {
    const header = base64url({ alg: "none", typ: "JWT" });
    const payload = base64url({ sub: alice.userId, role: "ADMIN", rid: "r", iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 60 });
    await assertRejected(`${header}.${payload}.`);
  });

  test("a token with another HMAC algorithm than the allow-listed HS256", async () => {
    await assertRejected(await craft({ alg: "HS512" }));
  });

  test("a genuine token whose payload was edited (role escalated)", async () => {
    const [header, , signature] = (await signer.sign(alice, "req-1")).split(".");
    const claims = { ...decodeJwt(await signer.sign(alice, "req-1")), role: "ADMIN" };
    await assertRejected(`${header}.${base64url(claims)}.${signature}`, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  });

  test("a signed token whose role is not a platform role", async () => {
    await assertRejected(await craft({ claims: { role: "SUPERUSER" } }), /no valid role/);
  });

  test("a signed token without an issue time", async () => {
    const token = await new SignJWT({ rid: "r", role: "CUSTOMER" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() + 60)
      .sign(new TextEncoder().encode(SECRET));
    await assertRejected(token);
  });

  test("garbage", async () => {
    for (const token of ["garbage", "a.b.c", "...", "Bearer x"]) await assertRejected(token);
  });
});
