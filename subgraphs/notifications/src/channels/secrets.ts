// Webhook signing secrets: generated once per registration and shown to the user once. The service needs
// the secret itself to sign each body (HMAC), so it is stored encrypted (AES-256-GCM), not hashed.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/** "whsec_" + 32 random bytes (base64url). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The 256-bit encryption key: from NOTIFICATIONS_SECRET_KEY, else derived from the identity secret (own label). */
export function secretEncryptionKey(config: { NOTIFICATIONS_SECRET_KEY?: string | undefined; ROUTER_IDENTITY_SECRET: string }): Buffer {
  const material = config.NOTIFICATIONS_SECRET_KEY ?? config.ROUTER_IDENTITY_SECRET;
  return Buffer.from(hkdfSync("sha256", material, "fedbank-notifications", "webhook-signing-secrets", 32));
}

export function encryptSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url")).join(".");
}

export function decryptSecret(key: Buffer, stored: string): string {
  const [iv, tag, ciphertext] = stored.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !tag || !ciphertext) throw new Error("malformed encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
}

export const SIGNATURE_HEADER = "x-fedbank-signature";
export const TIMESTAMP_HEADER = "x-fedbank-timestamp";
export const DELIVERY_HEADER = "x-fedbank-delivery";

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the endpoint's secret; the timestamp (Unix seconds) is
 * sent in its own header. Receivers recompute it, compare in constant time and refuse old timestamps (replay).
 */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}
