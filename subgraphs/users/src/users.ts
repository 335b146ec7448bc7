// User records of the users domain (registration and administration arrive with the identity issue).
import type { Role } from "../../../kernel/identity.js";
import type { UsersDb } from "./db.js";
import { hashPassword } from "./passwords.js";

/** Emails are stored and matched trimmed and in lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** Creates the user, or returns the existing one with that email unchanged (idempotent). */
export async function ensureUser(db: UsersDb, input: NewUser) {
  const email = normaliseEmail(input.email);
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) return { user: existing, created: false };
  const user = await db.user.create({
    data: { email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
  });
  return { user, created: true };
}
