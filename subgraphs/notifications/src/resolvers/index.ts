import { DateTimeScalar } from "#kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { markAllNotificationsRead } from "./mark-all-notifications-read.js";
import { markNotificationRead } from "./mark-notification-read.js";
import { Notification } from "./notification.js";
import { notificationReceived } from "./notification-received.js";
import { notificationDeadLetters } from "./notification-dead-letters.js";
import { notificationPreferences } from "./notification-preferences.js";
import { replayNotificationDeadLetters } from "./replay-notification-dead-letters.js";
import { unreadNotificationCount } from "./unread-notification-count.js";
import { updateNotificationPreferences } from "./update-notification-preferences.js";
import { notifications } from "./user-notifications.js";
import { notificationDeliveries } from "./notification-deliveries.js";
import { removeNotificationWebhook } from "./remove-notification-webhook.js";
import { setNotificationWebhook } from "./set-notification-webhook.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Notification,
  User: { notifications, unreadNotificationCount },
  Query: { notificationPreferences, notificationDeadLetters, notificationDeliveries },
  Subscription: { notificationReceived },
  Mutation: {
    markNotificationRead,
    markAllNotificationsRead,
    updateNotificationPreferences,
    replayNotificationDeadLetters,
    setNotificationWebhook,
    removeNotificationWebhook,
  },
};
