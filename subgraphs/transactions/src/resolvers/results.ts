import { GraphQLError } from "graphql";
import type { HoldResultResolvers, TransactionResultResolvers } from "../generated/resolvers-types.js";

export const TransactionResult: TransactionResultResolvers = {
  async transaction(parent, _args, { loaders }) {
    const transaction = parent.transaction ?? (await loaders.transactionById.load(parent.transactionId));
    if (!transaction) throw new GraphQLError(`transaction ${parent.transactionId} named by an idempotency key is missing`);
    return transaction;
  },
};

export const HoldResult: HoldResultResolvers = {
  async hold(parent, _args, { loaders }) {
    // The hold was read (as PENDING) earlier in this request: read it again after the change.
    const hold = await loaders.holdById.clear(parent.holdId).load(parent.holdId);
    if (!hold) throw new GraphQLError(`hold ${parent.holdId} named by an idempotency key is missing`);
    return hold;
  },
};
