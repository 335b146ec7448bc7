// Issue 14 (owned by the users side): the users service shows another customer's full name only to someone
// who has exchanged money with them; before that (e.g. a hold to a guessed account number) it is masked.
import { requireCaller } from "#kernel/authz.js";
import { isUuid } from "#kernel/batch.js";
import { Prisma } from "#kernel/db.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";

const MAX_USERS = 100;

/** Internal: the subset of `userIds` with a posted transaction shared between their accounts and the caller's. */
export const ledgerCounterparties: QueryResolvers["ledgerCounterparties"] = async (_parent, { userIds }, context) => {
  const caller = requireCaller(context.caller);
  const ids = [...new Set(userIds.filter(isUuid).map((id) => id.toLowerCase()))].slice(0, MAX_USERS);
  if (ids.length === 0) return [];
  const rows = await context.db.$queryRaw<{ owner_id: string }[]>(Prisma.sql`
    SELECT theirs.owner_id::text AS owner_id
      FROM ledger.ledger_accounts theirs
     WHERE theirs.owner_id = ANY(${ids}::uuid[])
       AND EXISTS (
         SELECT 1
           FROM ledger.postings tp
           JOIN ledger.postings mp ON mp.transaction_id = tp.transaction_id
           JOIN ledger.ledger_accounts mine ON mine.id = mp.account_id
          WHERE tp.account_id = theirs.id AND mine.owner_id = ${caller.userId}::uuid)`);
  return [...new Set(rows.map((row) => row.owner_id))];
};
