// The users service signs access tokens with Ed25519 (EdDSA) and publishes the public keys as a JWKS. The
// key id is the RFC 7638 thumbprint, so a rotated key always gets a new `kid`.
//
// Rotation without a window where tokens fail (see docs/security.md, "Key rotation"):
//   1. deploy with JWT_NEXT_PRIVATE_KEY = B: B is published, A still signs;
//   2. once every router has seen the JWKS (or simply later: routers refetch on an unknown kid), deploy with
//      JWT_PRIVATE_KEY = B and JWT_PREVIOUS_PRIVATE_KEY = A: B signs, A stays published;
//   3. after the access-token lifetime, drop JWT_PREVIOUS_PRIVATE_KEY: A is retired.
import { readFile } from "node:fs/promises";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** The key that signs, and every key whose public half the JWKS publishes (active first). */
export interface SigningKeyring {
  active: SigningKey;
  published: SigningKey[];
}

async function readKeySource(pem: string | undefined, file: string | undefined): Promise<string | undefined> {
  return pem ?? (file ? await readFile(file, "utf8") : undefined);
}

export async function signingKeyFromPem(source: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(source);
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`signing key must be Ed25519, got ${privateKey.asymmetricKeyType ?? "unknown"}`);
  }
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(publicJwk, "sha256");
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: "EdDSA", use: "sig" } };
}

export async function loadSigningKey(pem: string | undefined, file: string | undefined): Promise<SigningKey> {
  const source = await readKeySource(pem, file);
  if (!source) throw new Error("no signing key configured");
  return signingKeyFromPem(source);
}

export interface KeyringConfig {
  JWT_PRIVATE_KEY?: string | undefined;
  JWT_PRIVATE_KEY_FILE?: string | undefined;
  JWT_NEXT_PRIVATE_KEY?: string | undefined;
  JWT_NEXT_PRIVATE_KEY_FILE?: string | undefined;
  JWT_PREVIOUS_PRIVATE_KEY?: string | undefined;
  JWT_PREVIOUS_PRIVATE_KEY_FILE?: string | undefined;
}

export async function loadSigningKeyring(config: KeyringConfig): Promise<SigningKeyring> {
  const active = await loadSigningKey(config.JWT_PRIVATE_KEY, config.JWT_PRIVATE_KEY_FILE);
  const published = [active];
  for (const [pem, file] of [
    [config.JWT_NEXT_PRIVATE_KEY, config.JWT_NEXT_PRIVATE_KEY_FILE],
    [config.JWT_PREVIOUS_PRIVATE_KEY, config.JWT_PREVIOUS_PRIVATE_KEY_FILE],
  ] as const) {
    const source = await readKeySource(pem, file);
    if (!source) continue;
    const key = await signingKeyFromPem(source);
    if (!published.some((known) => known.kid === key.kid)) published.push(key);
  }
  return { active, published };
}

/** The JWKS document: public halves only. */
export function jwksDocument(keyring: SigningKeyring): string {
  return JSON.stringify({ keys: keyring.published.map((key) => key.publicJwk) });
}

/**
 * Records SIGNING_KEY_ROTATED when the service starts signing with a key other than the last one recorded
 * (including the very first key), so the security history shows when each `kid` took over.
 */
export async function recordSigningKeyInUse(
  db: { securityEvent: { findFirst(args: object): Promise<{ details: unknown } | null>; create(args: object): Promise<unknown> } },
  keyring: SigningKeyring,
): Promise<boolean> {
  const last = await db.securityEvent.findFirst({ where: { type: "SIGNING_KEY_ROTATED" }, orderBy: { createdAt: "desc" } });
  const previousKid = (last?.details as { kid?: string } | undefined)?.kid ?? null;
  if (previousKid === keyring.active.kid) return false;
  await db.securityEvent.create({
    data: {
      type: "SIGNING_KEY_ROTATED",
      details: { kid: keyring.active.kid, previousKid, published: keyring.published.map((key) => key.kid) },
    },
  });
  return true;
}
