import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import type { Role } from "#kernel/identity.js";
import type { User as UserRow } from "#kernel/generated/prisma/client.js";
import type { UserResolvers } from "../generated/resolvers-types.js";
import type { UsersContext } from "../context.js";
import { maskName } from "../counterparty-names.js";

/** Staff who may read any user (the roles holding `users:read`). */
export const STAFF_WHO_READ_USERS: ReadonlySet<Role> = new Set(["TELLER", "ADMIN", "AUDITOR"]);

/**
 * Users reached as a counterparty: another customer's user, reached through an entity reference (e.g. the
 * payer of a transfer, `Transaction.fromAccount.owner`). Copies of the loaded rows, so only this path is marked.
 */
const counterpartyViews = new WeakSet<UserRow>();

/**
 * A user's details are for that user and for staff; a login's payload shows the user who just signed in.
 * (A counterparty view shows `name` only, see `User.name`.)
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
  // Entity hops: the user themself and staff get the full user; any other signed-in caller gets a counterparty
  // view, whose `id` and `name` only are readable (every other field stays FORBIDDEN). `user(id)` is unchanged.
  async __resolveReference(reference, { caller, loaders }) {
    const verified = requireCaller(caller);
    const row = await loaders.userById.load(reference.id);
    if (!row || mayAccessCustomerData(verified, reference.id, STAFF_WHO_READ_USERS)) return row;
    const view = { ...row };
    counterpartyViews.add(view);
    return view;
  },
  email: personal("email"),
  async name(parent, args, context) {
    if (!counterpartyViews.has(parent)) return personal("name")(parent, args, context);
    // A counterparty's name only once money has moved between the caller and them (a guessed number must
    // not reveal whose account it is); masked before that.
    const exchanged = (await context.loaders.moneyExchangedWith?.load(parent.id)) ?? false;
    return exchanged ? parent.name : maskName(parent.name);
  },
  role: personal("role"),
  status: personal("status"),
  mfaEnabled: personal("mfaEnabled"),
  createdAt: personal("createdAt"),
};
