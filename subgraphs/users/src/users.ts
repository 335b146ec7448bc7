// User records of the users domain: registration, staff-created users, profile changes.
import { Prisma, type User } from "#kernel/generated/prisma/client.js";
import { ErrorCode, badUserInput, domainError } from "#kernel/errors.js";
import type { Role } from "#kernel/identity.js";
import type { UsersDb, UsersTx } from "./db.js";
import { passwordWeakness } from "./password-policy.js";
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

/** Creates the user, or returns the existing one with that email unchanged (idempotent; seed and tests). */
export async function ensureUser(db: Pick<UsersDb, "user">, input: NewUser) {
  const email = normaliseEmail(input.email);
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) return { user: existing, created: false };
  const user = await db.user.create({
    data: { email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
  });
  return { user, created: true };
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_NAME_LENGTH = 200;

export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw badUserInput(`Name must be 1 to ${MAX_NAME_LENGTH} characters`, { field: "name" });
  }
  return trimmed;
}

/** Throws WEAK_PASSWORD with the reason when the password breaks the policy. */
export function assertStrongPassword(password: string, email: string, commonPasswords: ReadonlySet<string>): void {
  const weakness = passwordWeakness(password, email, commonPasswords);
  if (weakness) throw domainError(ErrorCode.WEAK_PASSWORD, weakness, { field: "password" });
}

/**
 * Validates and creates a user inside `tx`. The password is hashed before the uniqueness check so a taken
 * email does not answer measurably faster than a free one.
 */
export async function createUserChecked(tx: UsersTx, input: NewUser, commonPasswords: ReadonlySet<string>): Promise<User> {
  const email = normaliseEmail(input.email);
  if (email.length > 254 || !EMAIL_SHAPE.test(email)) throw badUserInput("Email address is not valid", { field: "email" });
  const name = validName(input.name);
  assertStrongPassword(input.password, email, commonPasswords);
  const passwordHash = await hashPassword(input.password);
  try {
    return await tx.user.create({ data: { email, name, role: input.role, passwordHash } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw domainError(ErrorCode.EMAIL_TAKEN, "A user with this email already exists", { field: "email" });
    }
    throw error;
  }
}
