import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import type { MutationResolvers } from "../generated/resolvers-types.js";
import { sourceOf } from "../dead-letters.js";

/** Admin: replays dead letters (all of a source, or the given ones) through the consumer's handler once. */
export const replayNotificationDeadLetters: MutationResolvers["replayNotificationDeadLetters"] = async (_parent, { source, ids }, context) => {
  const admin = requireRole(context.caller, ["ADMIN"]);
  if (ids && ids.some((id) => !/^\d+-\d+$/.test(id))) throw badUserInput("ids must be dead-letter ids", { field: "ids" });
  const results = await context.consumers[sourceOf(source)].replayDeadLetters(ids ?? undefined);
  context.log.info({ event: "dead_letters_replayed", adminId: admin.userId, source, count: results.length }, "dead letters replayed");
  return results.map((result) => ({ id: result.entryId, eventId: result.eventId, outcome: result.outcome, error: result.error ?? null }));
};
