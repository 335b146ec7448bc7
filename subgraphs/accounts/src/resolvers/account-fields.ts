import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { forbidden } from "#kernel/errors.js";
import { money } from "#domain/money.js";
import type { Account as AccountRow } from "#kernel/generated/prisma/client.js";
import type { AccountResolvers } from "../generated/resolvers-types.js";
import type { AccountsContext } from "../context.js";

function requireOwnerOrStaff(parent: AccountRow, { caller }: AccountsContext) {
  if (!mayAccessCustomerData(requireCaller(caller), parent.ownerId)) {
    throw forbidden("Only the account's owner and staff may read this field");
  }
}

/**
 * Any signed-in user may resolve an account's number, type, currency and owner (a transfer shows its
 * counterparty); its state and limits are for the owner and staff.
 */
export const Account: AccountResolvers = {
  async __resolveReference(reference, { caller, loaders }) {
    requireCaller(caller);
    return loaders.accountById.load(reference.id);
  },
  owner: (parent) => ({ id: parent.ownerId }),
  status(parent, _args, context) {
    requireOwnerOrStaff(parent, context);
    return parent.status;
  },
  overdraftLimit(parent, _args, context) {
    requireOwnerOrStaff(parent, context);
    return money(parent.overdraftLimitMinor, parent.currency);
  },
  openedAt(parent, _args, context) {
    requireOwnerOrStaff(parent, context);
    return parent.openedAt;
  },
  statusHistory(parent, _args, context) {
    requireOwnerOrStaff(parent, context);
    return context.loaders.statusHistory.load(parent.id);
  },
};
