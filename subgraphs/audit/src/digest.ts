// The signed digest of the audit chain (the QLDB-digest idea): the head sequence and hash, signed with the
// audit service's Ed25519 key. Stored outside the system, it proves later that no record up to that head
// was changed, removed or reordered: recompute the chain up to `headSequence` and compare the hash.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevSecrets } from "#kernel/dev-secrets.js";
import { GENESIS_HASH, canonicalJson } from "./chain.js";
import type { AuditDb } from "./db.js";

/** What the signature covers, and the format tag that names this version of it. */
export const DIGEST_FORMAT = "fedbank.audit.digest.v1";

export interface AuditSigningKey {
  privateKey: KeyObject;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** Hex SHA-256 of the DER public key, first 16 bytes. */
  keyId: string;
}

export interface AuditDigest {
  headSequence: string;
  headHash: string;
  issuedAt: string;
  algorithm: "Ed25519";
  keyId: string;
  publicKey: string;
  message: string;
  signature: string;
}

export function auditKeyFromPem(pem: string): AuditSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the audit signing key must be an Ed25519 private key (PKCS#8 PEM)");
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    keyId: auditKeyId(publicKey),
  };
}

export function auditKeyId(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 32);
}

/** AUDIT_SIGNING_KEY, else AUDIT_SIGNING_KEY_FILE, else (not in production) a development key under DATA_DIR/secrets. */
export async function loadAuditSigningKey(config: {
  AUDIT_SIGNING_KEY?: string | undefined;
  AUDIT_SIGNING_KEY_FILE?: string | undefined;
  DATA_DIR?: string | undefined;
  NODE_ENV: string;
}): Promise<AuditSigningKey> {
  if (config.AUDIT_SIGNING_KEY) return auditKeyFromPem(config.AUDIT_SIGNING_KEY);
  if (config.AUDIT_SIGNING_KEY_FILE) return auditKeyFromPem(await readFile(config.AUDIT_SIGNING_KEY_FILE, "utf8"));
  if (config.NODE_ENV === "production") throw new Error("AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE must be set in production");
  const dataDir = config.DATA_DIR ?? join(fileURLToPath(new URL("../../../", import.meta.url)), ".data");
  const { auditSigningKeyFile } = await ensureDevSecrets(dataDir);
  return auditKeyFromPem(await readFile(auditSigningKeyFile, "utf8"));
}

/** The exact text signed: canonical JSON of the digest's fields (without the public key and signature). */
export function digestMessage(fields: { headSequence: string; headHash: string; issuedAt: string; keyId: string }): string {
  return canonicalJson({ format: DIGEST_FORMAT, algorithm: "Ed25519", ...fields });
}

export async function signAuditDigest(db: Pick<AuditDb, "auditEvent">, key: AuditSigningKey, now = new Date()): Promise<AuditDigest> {
  const head = await db.auditEvent.findFirst({ orderBy: { sequence: "desc" }, select: { sequence: true, hash: true } });
  const fields = {
    headSequence: (head?.sequence ?? 0n).toString(),
    headHash: head?.hash ?? GENESIS_HASH,
    issuedAt: now.toISOString(),
    keyId: key.keyId,
  };
  const message = digestMessage(fields);
  return {
    ...fields,
    algorithm: "Ed25519",
    publicKey: key.publicKeyPem,
    message,
    signature: sign(null, Buffer.from(message, "utf8"), key.privateKey).toString("base64"),
  };
}

/**
 * Checks a digest's signature with a public key obtained independently (not the one inside the digest,
 * which anyone could replace along with the signature), and that `message` says what the fields say.
 */
export function verifyAuditDigestSignature(digest: Omit<AuditDigest, "publicKey"> & { publicKey?: string }, publicKeyPem: string): boolean {
  const publicKey = createPublicKey(publicKeyPem);
  const expected = digestMessage({ headSequence: digest.headSequence, headHash: digest.headHash, issuedAt: digest.issuedAt, keyId: digest.keyId });
  if (expected !== digest.message || auditKeyId(publicKey) !== digest.keyId) return false;
  return verify(null, Buffer.from(digest.message, "utf8"), publicKey, Buffer.from(digest.signature, "base64"));
}
