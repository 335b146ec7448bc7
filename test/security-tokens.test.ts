// Token attacks against the real router: every forged, stale, misdirected or revoked access token is
// refused with HTTP 401 UNAUTHENTICATED before anything runs; a revocation is seen at once by two router
// processes sharing Redis.
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SignJWT, exportJWK } from "jose";
import { createLogger } from "#kernel/logger.js";
import { revokeSessions } from "#kernel/revocation.js";
import { createSharedStore, type SharedStore } from "#kernel/shared-store.js";
import {
  DEMO_PASSWORD,
  LOGIN,
  TEST_REDIS_URL,
  createTestDatabase,
  createTokenKey,
  demoUsers,
  graphql,
  metricValue,
  mintAccessToken,
  startExtraRouter,
  startStack,
  type Stack,
  type TestDatabase,
  type TokenKey,
} from "./support/stack.js";

const ME = "{ me { id email role } }";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

describe("access-token attacks through the router", () => {
  const secret = `identity-${randomUUID()}-${randomUUID()}`;
  let database: TestDatabase;
  let stack: Stack;
  let key: TokenKey;
  let alice: { id: string; role: string };
  let store: SharedStore;
  let secondRouter: Awaited<ReturnType<typeof startExtraRouter>>;

  before(async () => {
    database = await createTestDatabase();
    key = await createTokenKey();
    stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem, ROUTER_IDENTITY_SECRET: secret });
    alice = (await demoUsers(database.url))["alice@demo.bank"]!;
    store = await createSharedStore({ url: TEST_REDIS_URL, prefix: stack.redisKeyPrefix, logger: createLogger("test", "silent") });
    secondRouter = await startExtraRouter(stack, { ROUTER_IDENTITY_SECRET: secret, REDIS_KEY_PREFIX: stack.redisKeyPrefix });
  });

  after(async () => {
    await secondRouter?.stop();
    await store?.close();
    const code = await stack?.stop();
    await database?.drop();
    assert.equal(code, 0, "the platform stops cleanly");
  });

  async function assertRefused(token: string, router = stack.routerUrl) {
    const acceptedBefore = await metricValue(stack.ports.users, 'fedbank_subgraph_requests_total{outcome="accepted"}');
    const { status, body, headers } = await graphql(router, ME, {}, token);
    assert.equal(status, 401, JSON.stringify(body));
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(body));
    assert.equal(body.data, undefined);
    assert.match(headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.doesNotMatch(JSON.stringify(body), /alice@demo\.bank/);
    const acceptedAfter = await metricValue(stack.ports.users, 'fedbank_subgraph_requests_total{outcome="accepted"}');
    assert.equal(acceptedAfter, acceptedBefore, "no subgraph was called");
  }

  async function assertAccepted(token: string, router = stack.routerUrl) {
    const { status, body } = await graphql(router, ME, {}, token);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.data?.me?.email, "alice@demo.bank", JSON.stringify(body));
  }

  test("control: a well-formed token for alice is accepted by both routers", async () => {
    const token = await mintAccessToken(key, alice);
    await assertAccepted(token);
    await assertAccepted(token, secondRouter.url);
  });

  test("alg: none", async () => {
    const header = b64({ alg: "none", typ: "at+jwt", kid: key.kid });
    const payload = b64({ sub: alice.id, role: "ADMIN", sid: randomUUID(), iss: "fedbank-users", aud: "fedbank", iat: now(), nbf: now(), exp: now() + 600 });
    await assertRefused(`${header}.${payload}.`);
    await assertRefused(`${header}.${payload}.${Buffer.from("x").toString("base64url")}`);
  });

  test("HS256 signed with the public key (JWK JSON, PEM, raw key bytes): key confusion", async () => {
    const jwks = (await (await fetch(`http://127.0.0.1:${stack.ports.users}/.well-known/jwks.json`)).json()) as { keys: { kid: string; x: string }[] };
    const jwk = jwks.keys.find((candidate) => candidate.kid === key.kid)!;
    const { createPublicKey } = await import("node:crypto");
    const pem = createPublicKey(key.privateKey).export({ type: "spki", format: "pem" }).toString();
    for (const secretBytes of [Buffer.from(JSON.stringify(jwk)), Buffer.from(pem), Buffer.from(jwk.x, "base64url")]) {
      const header = b64({ alg: "HS256", typ: "at+jwt", kid: key.kid });
      const payload = b64({ sub: alice.id, role: "ADMIN", sid: randomUUID(), iss: "fedbank-users", aud: "fedbank", iat: now(), nbf: now(), exp: now() + 600 });
      const signature = createHmac("sha256", secretBytes).update(`${header}.${payload}`).digest("base64url");
      await assertRefused(`${header}.${payload}.${signature}`);
    }
  });

  test("RS256 with an attacker's key under the genuine kid", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const token = await new SignJWT({ role: "ADMIN", sid: randomUUID() })
      .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "at+jwt" })
      .setSubject(alice.id)
      .setIssuer("fedbank-users")
      .setAudience("fedbank")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(privateKey);
    await assertRefused(token);
  });

  test("expired (beyond the clock skew), not yet valid (beyond the skew), wrong issuer, wrong audience", async () => {
    await assertRefused(await mintAccessToken(key, alice, { iat: now() - 1_000, exp: now() - 60 }));
    await assertRefused(await mintAccessToken(key, alice, { iat: now(), nbf: now() + 120, exp: now() + 900 }));
    await assertRefused(await mintAccessToken(key, alice, { issuer: "https://evil.example" }));
    await assertRefused(await mintAccessToken(key, alice, { audience: "another-api" }));
  });

  test("within the small clock skew, a token that expired 5 s ago is still accepted (control)", async () => {
    await assertAccepted(await mintAccessToken(key, alice, { iat: now() - 900, exp: now() - 5 }));
  });

  test("unknown kid, and a token signed by another Ed25519 key under the genuine kid", async () => {
    const other = await createTokenKey();
    await assertRefused(await mintAccessToken(other, alice));
    await assertRefused(await mintAccessToken({ ...other, kid: key.kid }, alice));
  });

  test("tampered payload: role escalated, subject swapped, signature kept", async () => {
    const token = await mintAccessToken(key, alice);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    await assertRefused(`${header}.${b64({ ...claims, role: "ADMIN" })}.${signature}`);
    await assertRefused(`${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`);
  });

  test("a token without a session id, or of another type, is refused", async () => {
    await assertRefused(await mintAccessToken(key, alice, { claims: { sid: undefined } }));
    await assertRefused(await mintAccessToken(key, alice, { header: { typ: "JWT" } }));
  });

  test("a revoked session is refused at once by both routers sharing Redis; other sessions still work", async () => {
    const sid = randomUUID();
    const token = await mintAccessToken(key, alice, { claims: { sid } });
    const otherSession = await mintAccessToken(key, alice);
    await assertAccepted(token);
    await assertAccepted(token, secondRouter.url);
    await revokeSessions(store, [sid], 900);
    await assertRefused(token);
    await assertRefused(token, secondRouter.url);
    await assertAccepted(otherSession);
    await assertAccepted(otherSession, secondRouter.url);
  });

  test("logout through the users service revokes the session for both routers", async (t) => {
    const { body } = await graphql<{ login: { accessToken: string } }>(stack.routerUrl, LOGIN, { email: "alice@demo.bank", password: DEMO_PASSWORD });
    const token = body.data?.login?.accessToken;
    assert.ok(token, `login failed: ${JSON.stringify(body.errors)}`);
    await assertAccepted(token);
    const logout = await graphql(stack.routerUrl, "mutation { logout }", {}, token);
    assert.equal(logout.body.errors, undefined, JSON.stringify(logout.body.errors));
    await assertRefused(token);
    await assertRefused(token, secondRouter.url);
    t.diagnostic("logout revocation checked on two routers");
  });
});
