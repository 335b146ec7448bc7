// The channels this process runs, from its configuration: e-mail when SMTP_URL is set, webhooks always,
// the SMS gateway when SMS_GATEWAY_URL is set. In-app delivery is the stored notification itself.
import type { Logger } from "#kernel/logger.js";
import type { NotificationsDb } from "../db.js";
import type { ChannelsConfig } from "./config.js";
import { EmailChannel } from "./email.js";
import { usersDirectory } from "./recipients.js";
import { secretEncryptionKey } from "./secrets.js";
import { SmsGatewayChannel } from "./sms-gateway.js";
import type { ChannelName, NotificationChannel } from "./types.js";
import { WebhookChannel } from "./webhook.js";

export type { ChannelName, NotificationChannel } from "./types.js";

export function createChannels(config: ChannelsConfig, db: Pick<NotificationsDb, "notificationWebhook">, logger: Logger): Map<ChannelName, NotificationChannel> {
  const channels = new Map<ChannelName, NotificationChannel>();
  const http = { timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES };
  if (config.SMTP_URL) {
    if (!config.SUBGRAPH_USERS_URL) throw new Error("SUBGRAPH_USERS_URL must be set when SMTP_URL is (recipients' e-mail addresses)");
    const directory = usersDirectory({ usersUrl: config.SUBGRAPH_USERS_URL, identitySecret: config.ROUTER_IDENTITY_SECRET, timeoutMs: config.WEBHOOK_TIMEOUT_MS });
    channels.set("EMAIL", new EmailChannel({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, directory, timeoutMs: config.WEBHOOK_TIMEOUT_MS }));
  }
  channels.set("WEBHOOK", new WebhookChannel({ db, encryptionKey: secretEncryptionKey(config), ...http }));
  if (config.SMS_GATEWAY_URL) {
    if (!config.SMS_GATEWAY_SECRET) throw new Error("SMS_GATEWAY_SECRET must be set when SMS_GATEWAY_URL is");
    channels.set("SMS", new SmsGatewayChannel({ gatewayUrl: config.SMS_GATEWAY_URL, signingSecret: config.SMS_GATEWAY_SECRET, ...http }));
  }
  logger.info({ channels: ["IN_APP", ...channels.keys()] }, "notification channels");
  return channels;
}
