// Development secrets, generated on first start under .data/ and never committed. Production must pass
// its own through the environment (the config validation says which are missing).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

async function ensureFile(path: string, create: () => string): Promise<string> {
  if (existsSync(path)) return readFile(path, "utf8");
  const content = create();
  await writeFile(path, content, { mode: 0o600, flag: "wx" });
  return content;
}

export interface DevSecrets {
  identitySecret: string;
  jwtPrivateKeyFile: string;
  /** Ed25519 key that signs the audit digest (subgraphs/audit/src/digest.ts). */
  auditSigningKeyFile: string;
}

export async function ensureDevSecrets(dataDir: string): Promise<DevSecrets> {
  const dir = join(dataDir, "secrets");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const identitySecret = (await ensureFile(join(dir, "router-identity-secret"), () => randomBytes(32).toString("base64url"))).trim();
  const jwtPrivateKeyFile = join(dir, "jwt-ed25519.pem");
  await ensureFile(jwtPrivateKeyFile, () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  );
  const auditSigningKeyFile = join(dir, "audit-ed25519.pem");
  await ensureFile(auditSigningKeyFile, () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  );
  return { identitySecret, jwtPrivateKeyFile, auditSigningKeyFile };
}
