import { money } from "#domain/money.js";
import { loadAccountForCaller } from "../authz.js";
import { pageRequest } from "../cursors.js";
import { badUserInput } from "#kernel/errors.js";
import { parseMovementAmount } from "../lookup.js";
import type { AccountResolvers } from "../generated/resolvers-types.js";
import type { HistoryFilter } from "../loaders.js";

function parseInstant(value: unknown, field: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = new Date(value as string);
  if (Number.isNaN(date.getTime())) throw badUserInput(`${field} is not a valid instant`, { field });
  return date;
}

export const Account: AccountResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  async balance(account, _args, context) {
    const ledgerAccount = await loadAccountForCaller(account.id, context);
    return money(ledgerAccount.balanceMinor, ledgerAccount.currency);
  },
  async availableBalance(account, _args, context) {
    const ledgerAccount = await loadAccountForCaller(account.id, context);
    const holds = await context.loaders.activeHoldsByAccount.load(account.id);
    const held = holds.reduce((sum, hold) => sum + hold.amountMinor, 0n);
    return money(ledgerAccount.balanceMinor - held, ledgerAccount.currency);
  },
  async holds(account, _args, context) {
    await loadAccountForCaller(account.id, context);
    return context.loaders.activeHoldsByAccount.load(account.id);
  },
  async transactions(account, args, context) {
    const page = pageRequest(args);
    const ledgerAccount = await loadAccountForCaller(account.id, context);
    const filter: HistoryFilter = {
      from: parseInstant(args.filter?.from, "filter.from"),
      to: parseInstant(args.filter?.to, "filter.to"),
      kinds: args.filter?.kind?.length ? [...new Set(args.filter.kind)].sort() : null,
      minMinor: args.filter?.minAmount ? parseMovementAmount(args.filter.minAmount, ledgerAccount.currency, "filter.minAmount") : null,
    };
    return context.loaders.historyPage.load({ accountId: account.id, page, filter });
  },
};
