import { money } from "../../../../kernel/money.js";
import { loadAccountForCaller } from "../authz.js";
import { checkPageSize, decodePostingCursor } from "../cursors.js";
import type { AccountResolvers } from "../generated/resolvers-types.js";

export const Account: AccountResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  async balance(account, _args, context) {
    const ledgerAccount = await loadAccountForCaller(account.id, context);
    return money(ledgerAccount.balanceMinor, ledgerAccount.currency);
  },
  async transactions(account, { first, after }, context) {
    const size = checkPageSize(first);
    const beforePostingId = after ? decodePostingCursor(after) : null;
    await loadAccountForCaller(account.id, context);
    return context.loaders.historyPage.load({ accountId: account.id, first: size, beforePostingId });
  },
};
