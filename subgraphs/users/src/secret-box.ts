// Encrypts small secrets at rest (TOTP secrets) with AES-256-GCM. The key is derived with HKDF from a
// configured secret; the ciphertext is bound to its owner (associated data), so a row copied onto another
// user does not decrypt.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";

export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string, label: string) {
    this.key = Buffer.from(hkdfSync("sha256", secret, "fedbank", label, 32));
  }

  seal(plaintext: string, owner: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(owner));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
  }

  /** Throws when the box was tampered with, sealed with another key or for another owner. */
  open(sealed: string, owner: string): string {
    const [version, iv, body, tag] = sealed.split(".");
    if (version !== VERSION || !iv || !body || !tag) throw new Error("unknown sealed secret format");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(owner));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }
}

/**
 * The MFA box: from MFA_ENCRYPTION_KEY, or (outside production only, where the config requires the key)
 * derived from the router identity secret under a distinct HKDF label.
 */
export function mfaSecretBox(config: { MFA_ENCRYPTION_KEY?: string | undefined; ROUTER_IDENTITY_SECRET: string; NODE_ENV: string }): SecretBox {
  if (config.MFA_ENCRYPTION_KEY) return new SecretBox(config.MFA_ENCRYPTION_KEY, "mfa-secret-encryption v1");
  if (config.NODE_ENV === "production") throw new Error("MFA_ENCRYPTION_KEY is required in production");
  return new SecretBox(config.ROUTER_IDENTITY_SECRET, "dev mfa-secret-encryption v1 (derived from ROUTER_IDENTITY_SECRET)");
}
