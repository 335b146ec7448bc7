import { mayAccessCustomerData, requireCaller } from "../../../../kernel/authz.js";
import { forbidden } from "../../../../kernel/errors.js";
import type { Role } from "../../../../kernel/identity.js";
import type { User as UserRow } from "../../../../kernel/generated/prisma/client.js";
import type { UserResolvers } from "../generated/resolvers-types.js";
import type { UsersContext } from "../context.js";

/** Staff who may read any user (the roles holding `users:read`). */
export const STAFF_WHO_READ_USERS: ReadonlySet<Role> = new Set(["TELLER", "ADMIN", "AUDITOR"]);

/** A user's details are for that user and for staff; a login's payload shows the user who just signed in. */
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
  // Entity hops obey the same rule as `user(id)`: a customer reaches only themself.
  async __resolveReference(reference, { caller, loaders }) {
    const verified = requireCaller(caller);
    if (!mayAccessCustomerData(verified, reference.id, STAFF_WHO_READ_USERS)) throw forbidden("You may only read your own user");
    return loaders.userById.load(reference.id);
  },
  email: personal("email"),
  name: personal("name"),
  role: personal("role"),
  status: personal("status"),
  mfaEnabled: personal("mfaEnabled"),
  createdAt: personal("createdAt"),
};
