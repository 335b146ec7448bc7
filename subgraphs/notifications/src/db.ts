import type { PrismaClient } from "#kernel/db.js";

/** The notifications domain sees only its own tables (raw SQL is for its batched page query). */
export type NotificationsDb = Pick<PrismaClient, "notification" | "notificationPreference" | "notificationSetting" | "notificationWebhook" | "notificationDelivery" | "$queryRaw" | "$transaction">;
