import { isUuid } from "#kernel/batch.js";
import { mayAccessCustomerData, requireCaller } from "#kernel/authz.js";
import { badUserInput, forbidden } from "#kernel/errors.js";
import type { NotificationChannel, NotificationDeliveryStatus, QueryResolvers } from "../generated/resolvers-types.js";

const MAX_DELIVERIES = 100;
const ADMIN_ONLY = new Set(["ADMIN"] as const);

/** The delivery log: the caller's own deliveries, or an admin's view of one user's. One query with its attempts. */
export const notificationDeliveries: QueryResolvers["notificationDeliveries"] = async (_parent, { userId, channel, first }, { caller, db }) => {
  const verified = requireCaller(caller);
  if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERIES) {
    throw badUserInput(`first must be between 1 and ${MAX_DELIVERIES}`, { field: "first" });
  }
  const owner = (userId ?? verified.userId).toLowerCase();
  if (!isUuid(owner)) throw badUserInput("userId must be a user id", { field: "userId" });
  if (!mayAccessCustomerData(verified, owner, ADMIN_ONLY)) throw forbidden("Only the user and admins may read a user's delivery log");
  const rows = await db.notificationDelivery.findMany({
    where: { userId: owner, ...(channel ? { channel } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: first,
    include: { attemptLog: { orderBy: { attempt: "asc" } } },
  });
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel as NotificationChannel,
    kind: row.kind,
    title: row.title,
    status: row.status as NotificationDeliveryStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    attemptLog: row.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      outcome: attempt.outcome,
      statusCode: attempt.statusCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
      at: attempt.at,
    })),
  }));
};
