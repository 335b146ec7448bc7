// The one place where roles become scopes. Access tokens carry the role; the router derives the scopes
// from it here and checks them against the `@requiresScopes` directives composed into the supergraph.
// Object-level rules (a customer sees only their own objects) stay in the subgraphs' resolvers.
import type { Role } from "./identity.js";

export const SCOPES = {
  /** Read one's own (customer) or any (staff) banking data: users, accounts, balances, history. */
  BANKING_READ: "banking:read",
  /** Move one's own money, open one's own accounts, manage one's own notifications. */
  BANKING_WRITE: "banking:write",
  /** Teller desk: deposits, withdrawals, accounts for any customer, look-up by account number. */
  TELLER: "banking:teller",
  /** Bank administration: reversals, freezing, user management, erasure. */
  ADMIN: "bank:admin",
  /** Search and read users' profiles (staff). */
  USERS_READ: "users:read",
  /** Read the audit trail. */
  AUDIT_READ: "audit:read",
  /** Aggregated reporting: summaries and KPIs. */
  REPORTS_READ: "reports:read",
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

const { BANKING_READ, BANKING_WRITE, TELLER, ADMIN, USERS_READ, AUDIT_READ, REPORTS_READ } = SCOPES;

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  CUSTOMER: [BANKING_READ, BANKING_WRITE],
  TELLER: [BANKING_READ, BANKING_WRITE, TELLER, USERS_READ],
  ADMIN: [BANKING_READ, BANKING_WRITE, TELLER, ADMIN, USERS_READ, AUDIT_READ, REPORTS_READ],
  // Read-only: the audit trail, and users' profiles to make sense of it. No banking data, no writes.
  AUDITOR: [AUDIT_READ, USERS_READ],
  // Aggregated reporting only.
  ANALYST: [REPORTS_READ],
};

export function scopesOf(role: Role): readonly Scope[] {
  return ROLE_SCOPES[role];
}
