// Object-level authorization helpers used by every subgraph's resolvers.
import { forbidden, unauthenticated } from "./errors.js";
import type { Caller, Role } from "./identity.js";

/** Staff who serve customers and may read any customer's banking data. */
export const BANKING_STAFF: ReadonlySet<Role> = new Set(["TELLER", "ADMIN"]);

export function requireCaller(caller: Caller | null): Caller {
  if (!caller) throw unauthenticated();
  return caller;
}

export function requireRole(caller: Caller | null, roles: readonly Role[]): Caller {
  const verified = requireCaller(caller);
  if (!roles.includes(verified.role)) throw forbidden(`Requires one of the roles ${roles.join(", ")}`);
  return verified;
}

/** True when the caller is the owner, or staff allowed to act for any customer. */
export function mayAccessCustomerData(caller: Caller, ownerId: string, staff: ReadonlySet<Role> = BANKING_STAFF) {
  return caller.userId === ownerId || staff.has(caller.role);
}
