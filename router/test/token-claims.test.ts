// Access tokens the router refuses although their signature is good (issue 14 §4): issued in the future
// (beyond the clock skew), or living longer than the issuer's configured access-token lifetime (plus skew).
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { test } from "node:test";
import { SignJWT, calculateJwkThumbprint, createLocalJWKSet, exportJWK } from "jose";
import { createMemoryStore } from "#kernel/shared-store.js";
import { AuthError, CLOCK_SKEW_SECONDS, createTokenVerifier } from "../src/auth.js";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const jwk = await exportJWK(publicKey);
const kid = await calculateJwkThumbprint(jwk, "sha256");
const keys = createLocalJWKSet({ keys: [{ ...jwk, kid, alg: "EdDSA", use: "sig" }] });

const verifier = createTokenVerifier({ jwksUrl: "http://127.0.0.1:9/unused", issuer: "iss", audience: "aud", store: createMemoryStore(), keys, maxLifetimeSeconds: 900 });

function token(iat: number, exp: number) {
  return new SignJWT({ role: "CUSTOMER", sid: randomUUID(), auth_time: iat })
    .setProtectedHeader({ alg: "EdDSA", kid, typ: "at+jwt" })
    .setSubject(randomUUID())
    .setIssuer("iss")
    .setAudience("aud")
    .setIssuedAt(iat)
    .setNotBefore(Math.min(iat, Math.floor(Date.now() / 1000)))
    .setExpirationTime(exp)
    .sign(privateKey);
}

const now = () => Math.floor(Date.now() / 1000);
const verify = async (jwt: string) => verifier.verifyIgnoringRevocation(`Bearer ${jwt}`);

test("a token issued in the future beyond the clock skew is refused; within the skew it is accepted", async () => {
  await assert.rejects(verify(await token(now() + CLOCK_SKEW_SECONDS + 60, now() + 900)), (error: Error) => error instanceof AuthError && /future/.test(error.message));
  assert.ok(await verify(await token(now() + 10, now() + 900)));
});

test("a token whose lifetime exceeds the configured TTL plus skew is refused, whatever is left of it", async () => {
  await assert.rejects(verify(await token(now(), now() + 3_600)), (error: Error) => error instanceof AuthError && /lifetime/.test(error.message));
  // Issued long ago with a long life: most of it spent, still refused.
  await assert.rejects(verify(await token(now() - 86_000, now() + 400)), AuthError);
  assert.ok(await verify(await token(now(), now() + 900)));
  assert.ok(await verify(await token(now(), now() + 900 + CLOCK_SKEW_SECONDS)));
});
