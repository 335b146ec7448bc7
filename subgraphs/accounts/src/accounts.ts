// Account lifecycle operations of the accounts domain (the full set arrives with the ledger issue).
import type { AccountType } from "../../../kernel/generated/prisma/client.js";
import { isSupportedCurrency } from "../../../kernel/money.js";
import { badUserInput } from "../../../kernel/errors.js";
import { generateAccountNumber } from "./account-number.js";
import type { AccountsDb } from "./db.js";

export interface OpenAccountInput {
  ownerId: string;
  type: AccountType;
  currency: string;
  overdraftLimitMinor?: bigint;
  openedBy?: string;
  /** Fixed number (seed data); generated otherwise. */
  number?: string;
}

/** Opens an account and records its first status change in one database transaction. */
export async function openAccount(db: AccountsDb, input: OpenAccountInput) {
  if (!isSupportedCurrency(input.currency)) throw badUserInput(`Unknown or unsupported currency "${input.currency}"`);
  return db.$transaction(async (tx) => {
    const account = await tx.account.create({
      data: {
        ownerId: input.ownerId,
        type: input.type,
        currency: input.currency,
        overdraftLimitMinor: input.overdraftLimitMinor ?? 0n,
        number: input.number ?? generateAccountNumber(),
      },
    });
    await tx.accountStatusChange.create({
      data: { accountId: account.id, fromStatus: null, toStatus: "ACTIVE", reason: "opened", changedBy: input.openedBy ?? null },
    });
    return account;
  });
}
