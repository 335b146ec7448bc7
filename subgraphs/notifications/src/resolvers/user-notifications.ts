import { requireCaller } from "#kernel/authz.js";
import { badUserInput, forbidden } from "#kernel/errors.js";
import type { UserResolvers } from "../generated/resolvers-types.js";
import { MAX_PAGE_SIZE, decodeNotificationCursor, encodeNotificationCursor } from "../pages.js";

/** User.notifications: a user's own notifications only; staff read them through their own tools, not here. */
export const notifications: UserResolvers["notifications"] = async (user, { first, after, unreadOnly }, { caller, loaders }) => {
  const { userId } = requireCaller(caller);
  if (userId !== user.id) throw forbidden("You may only read your own notifications");
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: "first" });
  }
  const page = await loaders.notificationPage.load({
    userId: user.id,
    first,
    after: after == null ? null : decodeNotificationCursor(after),
    unreadOnly: unreadOnly ?? false,
  });
  const edges = page.notifications.map((node) => ({ cursor: encodeNotificationCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
};
