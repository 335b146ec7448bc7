import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { forbidden, notFound } from "#kernel/errors.js";
import type { LedgerAccount } from "#kernel/generated/prisma/client.js";
import type { TransactionsContext } from "./context.js";

/** Loads a customer account's ledger record and checks that the caller owns it or is staff. */
export async function loadAccountForCaller(accountId: string, { caller, loaders }: TransactionsContext): Promise<LedgerAccount> {
  const verified = requireCaller(caller);
  const account = await loaders.ledgerAccountById.load(accountId);
  if (!account || account.kind !== "CUSTOMER") throw notFound("No such account in the ledger");
  if (!account.ownerId || !mayAccessCustomerData(verified, account.ownerId)) {
    throw forbidden("Only the account's owner and staff may read its balance and history");
  }
  return account;
}

/** A transaction is visible to staff and to the owner of any account it touches. */
export async function mayReadTransaction(transactionId: string, { caller, loaders }: TransactionsContext): Promise<boolean> {
  const verified = requireCaller(caller);
  const postings = await loaders.postingsByTransaction.load(transactionId);
  return postings.some((posting) => posting.ownerId !== null && mayAccessCustomerData(verified, posting.ownerId));
}
