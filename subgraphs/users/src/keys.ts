// The users service signs access tokens with Ed25519 (EdDSA). Its public key is published as a JWKS;
// the key id is the RFC 7638 thumbprint, so a rotated key always gets a new `kid`.
import { readFile } from "node:fs/promises";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

export async function loadSigningKey(pem: string | undefined, file: string | undefined): Promise<SigningKey> {
  const source = pem ?? (file ? await readFile(file, "utf8") : undefined);
  if (!source) throw new Error("no signing key configured");
  const privateKey = createPrivateKey(source);
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`signing key must be Ed25519, got ${privateKey.asymmetricKeyType ?? "unknown"}`);
  }
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(publicJwk, "sha256");
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: "EdDSA", use: "sig" } };
}
