import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";
import { describeDeadLetter, sourceOf } from "../dead-letters.js";

const MAX_DEAD_LETTERS = 100;

/** Admin: the notifications consumers' dead letters of one source stream, oldest first. */
export const notificationDeadLetters: QueryResolvers["notificationDeadLetters"] = async (_parent, { source, first, after }, context) => {
  requireRole(context.caller, ["ADMIN"]);
  if (!Number.isInteger(first) || first < 1 || first > MAX_DEAD_LETTERS) {
    throw badUserInput(`first must be between 1 and ${MAX_DEAD_LETTERS}`, { field: "first" });
  }
  if (after != null && !/^\d+-\d+$/.test(after)) throw badUserInput("after must be a dead-letter id", { field: "after" });
  const letters = await context.consumers[sourceOf(source)].listDeadLetters({ count: first, ...(after ? { after } : {}) });
  return letters.map(describeDeadLetter);
};
