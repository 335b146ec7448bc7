// The password policy (NIST SP 800-63B style): long enough, not a known common password, not built from the
// user's own email. No composition rules: length and a block list are what actually resist guessing.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 hashes anything, but a megabyte "password" is a denial-of-service attempt, not a password. */
export const MAX_PASSWORD_LENGTH = 128;

const DEFAULT_LIST = fileURLToPath(new URL("../../../data/common-passwords.txt", import.meta.url));

/** Reads the block list (one password a line, `#` comments), lower-cased for case-insensitive checks. */
export function loadCommonPasswords(file: string = DEFAULT_LIST): ReadonlySet<string> {
  const lines = readFileSync(file, "utf8").split("\n");
  return new Set(lines.map((line) => line.trim().toLowerCase()).filter((line) => line && !line.startsWith("#")));
}

/** Why the password is refused (a sentence for the user), or null when it is acceptable. */
export function passwordWeakness(password: string, email: string, common: ReadonlySet<string>): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  const lower = password.toLowerCase();
  if (common.has(lower)) return "Password is too common; choose one that is not on lists of frequently used passwords";
  const localPart = email.trim().toLowerCase().split("@")[0] ?? "";
  // Very short local parts ("a@x.com") would refuse half of all passwords; three characters is the floor.
  if (localPart.length >= 3 && lower.includes(localPart)) return "Password must not contain your email address";
  return null;
}
