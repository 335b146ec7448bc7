import { mayAccessCustomerData, requireCaller } from "../../../../kernel/authz.js";
import { forbidden } from "../../../../kernel/errors.js";
import type { Role } from "../../../../kernel/identity.js";
import type { User as UserRow } from "../../../../kernel/generated/prisma/client.js";
import type { UserResolvers } from "../generated/resolvers-types.js";
import type { UsersContext } from "../context.js";

/** Staff who may read any user's personal details. */
export const STAFF_WHO_READ_USERS: ReadonlySet<Role> = new Set(["TELLER", "ADMIN", "AUDITOR"]);

/**
 * Any signed-in user may see another user's id and name (a transfer shows its counterparty's name);
 * everything else about a user is for that user and for staff.
 */
function personal<K extends keyof UserRow>(field: K) {
  return (parent: UserRow, _args: unknown, { caller, signedInUserId }: UsersContext) => {
    if (signedInUserId === parent.id) return parent[field];
    const verified = requireCaller(caller);
    if (!mayAccessCustomerData(verified, parent.id, STAFF_WHO_READ_USERS)) {
      throw forbidden(`Only the user and staff may read ${String(field)}`);
    }
    return parent[field];
  };
}

export const User: UserResolvers = {
  async __resolveReference(reference, { caller, loaders }) {
    requireCaller(caller);
    return loaders.userById.load(reference.id);
  },
  email: personal("email"),
  role: personal("role"),
  status: personal("status"),
  createdAt: personal("createdAt"),
};
