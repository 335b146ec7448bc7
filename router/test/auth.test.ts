// The router's token verifier against a local JWKS server: the JWKS is cached, an unknown `kid` triggers
// at most one refetch per cooldown, a rotated key is picked up after it, and the revocation check fails
// closed. Also the client-IP rules (X-Forwarded-For only from trusted proxies).
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { SignJWT, calculateJwkThumbprint, exportJWK, type JWK } from "jose";
import type { SharedStore } from "#kernel/shared-store.js";
import { AuthError, AuthUnavailableError, createTokenVerifier } from "../src/auth.js";
import { createClientIpResolver, parseTrustedProxies } from "../src/client-ip.js";

interface Key {
  kid: string;
  privateKey: KeyObject;
  jwk: JWK;
}

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  return { kid, privateKey, jwk: { ...jwk, kid, alg: "EdDSA", use: "sig" } };
}

const sign = (key: Key, sid: string = randomUUID()) =>
  new SignJWT({ role: "CUSTOMER", sid, auth_time: Math.floor(Date.now() / 1000), amr: ["pwd"] })
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "at+jwt" })
    .setSubject(randomUUID())
    .setIssuer("iss")
    .setAudience("aud")
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime("5m")
    .sign(key.privateKey);

function memoryStore(revoked = new Set<string>(), hang = false): SharedStore {
  return {
    kind: "memory",
    async getMany(keys) {
      if (hang) await new Promise(() => undefined);
      return keys.map((k) => (revoked.has(k.replace("revoked:session:", "")) ? "1" : null));
    },
    async set() {},
    async delete() {},
    async consume() {
      return [];
    },
    async consumeAndGet(_buckets, keys) {
      return { states: [], values: await this.getMany(keys) };
    },
    async increment() {
      return 1;
    },
    async ping() {},
    async close() {},
  };
}

describe("JWKS fetching and caching", () => {
  let server: Server;
  let url: string;
  let published: Key[] = [];
  let fetches = 0;

  before(async () => {
    server = createServer((_req: IncomingMessage, res) => {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/jwks`;
  });

  after(() => server.close());

  test("one fetch serves many tokens; unknown kids refetch at most once per cooldown; a rotated key is picked up after it", async () => {
    const first = await newKey();
    published = [first];
    fetches = 0;
    const verifier = createTokenVerifier({ jwksUrl: url, issuer: "iss", audience: "aud", store: memoryStore(), cooldownMs: 400 });
    for (let i = 0; i < 5; i++) assert.equal((await verifier.verify(`Bearer ${await sign(first)}`))?.role, "CUSTOMER");
    assert.equal(fetches, 1, "the JWKS is cached");

    // An attacker sprays tokens with random kids: no fetch per token. (A verifier whose cooldown no run can
    // outlast, so a slow machine cannot make a second cooldown start during the spray.)
    const strangers = await Promise.all(Array.from({ length: 10 }, async () => sign(await newKey())));
    const guarded = createTokenVerifier({ jwksUrl: url, issuer: "iss", audience: "aud", store: memoryStore(), cooldownMs: 600_000 });
    const beforeSpray = fetches;
    assert.equal((await guarded.verify(`Bearer ${await sign(first)}`))?.role, "CUSTOMER");
    for (const token of strangers) await assert.rejects(guarded.verify(`Bearer ${token}`), AuthError);
    assert.ok(fetches - beforeSpray <= 2, `unknown kids caused ${fetches - beforeSpray - 1} refetches within one cooldown`);

    // Rotation: a new key published; after the cooldown its tokens verify with a single refetch.
    const rotated = await newKey();
    published = [first, rotated];
    await new Promise((resolve) => setTimeout(resolve, 450));
    const before = fetches;
    assert.equal((await verifier.verify(`Bearer ${await sign(rotated)}`))?.role, "CUSTOMER");
    assert.equal(fetches, before + 1);
    assert.equal((await verifier.verify(`Bearer ${await sign(first)}`))?.role, "CUSTOMER", "old tokens valid until expiry");
  });

  test("the verified caller carries scopes from kernel/scopes.ts and the policy claims", async () => {
    const key = await newKey();
    published = [key];
    const verifier = createTokenVerifier({ jwksUrl: url, issuer: "iss", audience: "aud", store: memoryStore(), cooldownMs: 0 });
    const caller = await verifier.verify(`Bearer ${await sign(key, "s-1")}`);
    assert.deepEqual(caller?.scopes, ["banking:read", "banking:write"]);
    assert.equal(caller?.sessionId, "s-1");
    assert.deepEqual(caller?.amr, ["pwd"]);
    assert.equal(typeof caller?.authTime, "number");
  });

  test("revoked sessions are refused; a revocation store that does not answer fails closed", async () => {
    const key = await newKey();
    published = [key];
    const revoked = createTokenVerifier({ jwksUrl: url, issuer: "iss", audience: "aud", store: memoryStore(new Set(["gone"])), cooldownMs: 0 });
    await assert.rejects(revoked.verify(`Bearer ${await sign(key, "gone")}`), /revoked/);
    const down = createTokenVerifier({ jwksUrl: url, issuer: "iss", audience: "aud", store: memoryStore(new Set(), true), cooldownMs: 0, revocationTimeoutMs: 50 });
    await assert.rejects(down.verify(`Bearer ${await sign(key)}`), AuthUnavailableError);
  });

  test("an unreachable JWKS fails closed (503), it does not pass or crash", async () => {
    const key = await newKey();
    const verifier = createTokenVerifier({ jwksUrl: "http://127.0.0.1:9/jwks", issuer: "iss", audience: "aud", store: memoryStore() });
    await assert.rejects(verifier.verify(`Bearer ${await sign(key)}`), AuthUnavailableError);
  });
});

describe("client IP", () => {
  const request = (remoteAddress: string, forwarded?: string) =>
    ({ socket: { remoteAddress }, headers: forwarded ? { "x-forwarded-for": forwarded } : {} }) as unknown as IncomingMessage;

  test("without trusted proxies X-Forwarded-For is ignored", () => {
    const resolve = createClientIpResolver(parseTrustedProxies(""));
    assert.equal(resolve(request("::ffff:10.0.0.5", "1.2.3.4")), "10.0.0.5");
  });

  test("from a trusted proxy, the rightmost untrusted hop is the client", () => {
    const resolve = createClientIpResolver(parseTrustedProxies("10.0.0.0/8, 192.168.1.1"));
    assert.equal(resolve(request("10.1.2.3", "203.0.113.9, 198.51.100.2, 192.168.1.1")), "198.51.100.2");
    assert.equal(resolve(request("10.1.2.3")), "10.1.2.3");
    assert.equal(resolve(request("172.16.0.1", "203.0.113.9")), "172.16.0.1", "an untrusted peer's header is ignored");
  });

  test("an IPv4-mapped peer is matched against IPv4 proxies; a malformed hop makes the peer the client", () => {
    const resolve = createClientIpResolver(parseTrustedProxies("10.0.0.0/8, 2001:db8::/32"));
    assert.equal(resolve(request("::ffff:10.1.2.3", "203.0.113.9")), "203.0.113.9");
    assert.equal(resolve(request("2001:db8::1", "2001:db8::2, 198.51.100.7")), "198.51.100.7");
    assert.equal(resolve(request("10.1.2.3", "203.0.113.9, not-an-address")), "10.1.2.3");
  });

  test("bad entries are refused", () => {
    assert.throws(() => parseTrustedProxies("10.0.0.0/33"));
    assert.throws(() => parseTrustedProxies("not-an-ip"));
  });
});
