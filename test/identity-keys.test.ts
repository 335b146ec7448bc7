// Signing-key rotation across deployments: the next key is published before it signs; after the switch,
// tokens signed with the previous key stay valid until it is retired; new tokens carry the new kid.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createDatabase } from "#kernel/db.js";
import { signingKeyFromPem } from "../subgraphs/users/src/keys.js";
import { createTestDatabase, DEMO_PASSWORD, graphql, startStack, type Stack, type TestDatabase } from "./support/stack.js";
import { claimsOf, errorCode, ME, refresh, signIn } from "./support/identity.js";

const newKeyPem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

let database: TestDatabase;
let stack: Stack | undefined;

before(async () => {
  database = await createTestDatabase();
});

after(async () => {
  if (stack) await stack.stop();
  await database?.drop();
});

async function jwksKids(current: Stack): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${current.ports.users}/.well-known/jwks.json`);
  const body = (await response.json()) as { keys: { kid: string; d?: string; alg: string }[] };
  for (const key of body.keys) {
    assert.equal(key.d, undefined, "no private key material in the JWKS");
    assert.equal(key.alg, "EdDSA");
  }
  return body.keys.map((key) => key.kid);
}

async function deploy(env: Record<string, string>): Promise<Stack> {
  if (stack) assert.equal(await stack.stop(), 0);
  stack = await startStack({ DATABASE_URL: database.url, ...env });
  return stack;
}

test("rotate the signing key in three deployments without failing a single valid token", async () => {
  const keyA = newKeyPem();
  const keyB = newKeyPem();
  const kidA = (await signingKeyFromPem(keyA)).kid;
  const kidB = (await signingKeyFromPem(keyB)).kid;

  // 1. B is published next to A; A still signs.
  let current = await deploy({ JWT_PRIVATE_KEY: keyA, JWT_NEXT_PRIVATE_KEY: keyB });
  assert.deepEqual(await jwksKids(current), [kidA, kidB]);
  const old = await signIn(current.routerUrl, "alice@demo.bank", DEMO_PASSWORD);
  assert.equal(claimsOf(old.accessToken).header.kid, kidA);

  // 2. B signs; A is still published, so tokens signed before the switch keep working.
  current = await deploy({ JWT_PRIVATE_KEY: keyB, JWT_PREVIOUS_PRIVATE_KEY: keyA });
  assert.deepEqual(await jwksKids(current), [kidB, kidA]);
  const stillValid = await graphql(current.routerUrl, ME, {}, old.accessToken);
  assert.equal(stillValid.body.data?.me.email, "alice@demo.bank", JSON.stringify(stillValid.body.errors));
  const fresh = await signIn(current.routerUrl, "alice@demo.bank", DEMO_PASSWORD);
  assert.equal(claimsOf(fresh.accessToken).header.kid, kidB);
  // A refresh token issued under A rotates into a token signed with B.
  const refreshed = (await refresh(current.routerUrl, old.refreshToken)).body.data?.refreshToken;
  assert.equal(claimsOf(refreshed.accessToken).header.kid, kidB);

  // 3. A retired (after the access-token lifetime): only B is published; A's tokens are refused.
  current = await deploy({ JWT_PRIVATE_KEY: keyB });
  assert.deepEqual(await jwksKids(current), [kidB]);
  assert.equal(errorCode(await graphql(current.routerUrl, ME, {}, old.accessToken)), "UNAUTHENTICATED");
  const ok = await graphql(current.routerUrl, ME, {}, fresh.accessToken);
  assert.equal(ok.body.data?.me.email, "alice@demo.bank");

  // The security history shows when each key took over (once per change, not per restart).
  const db = createDatabase({ url: database.url, poolSize: 1 });
  try {
    const events = await db.prisma.securityEvent.findMany({ where: { type: "SIGNING_KEY_ROTATED" }, orderBy: { createdAt: "asc" } });
    assert.deepEqual(
      events.map((event) => event.details),
      [
        { kid: kidA, previousKid: null, published: [kidA, kidB] },
        { kid: kidB, previousKid: kidA, published: [kidB, kidA] },
      ],
    );
  } finally {
    await db.close();
  }
});
