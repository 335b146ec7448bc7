// Users' webhook endpoints: registering one returns a fresh signing secret once (stored encrypted, never
// shown again); registering again replaces the endpoint and the secret (rotation); removing stops webhook
// delivery (queued webhook deliveries are then skipped).
import { badUserInput } from "#kernel/errors.js";
import type { NotificationsDb } from "../db.js";
import { endpointProblem } from "./safe-http.js";
import { encryptSecret, generateSigningSecret } from "./secrets.js";

export interface WebhookRegistration {
  url: string;
  secret: string;
  createdAt: Date;
}

export async function setNotificationWebhook(
  db: Pick<NotificationsDb, "notificationWebhook">,
  userId: string,
  url: string,
  options: { encryptionKey: Buffer; allowPrivate: boolean },
): Promise<WebhookRegistration> {
  const trimmed = url.trim();
  const problem = endpointProblem(trimmed, options.allowPrivate);
  if (problem) throw badUserInput(`url ${problem}`, { field: "url" });
  const secret = generateSigningSecret();
  const secretEncrypted = encryptSecret(options.encryptionKey, secret);
  const row = await db.notificationWebhook.upsert({
    where: { userId },
    create: { userId, url: trimmed, secretEncrypted },
    update: { url: trimmed, secretEncrypted, createdAt: new Date() },
  });
  return { url: row.url, secret, createdAt: row.createdAt };
}

export async function removeNotificationWebhook(db: Pick<NotificationsDb, "notificationWebhook">, userId: string): Promise<boolean> {
  const { count } = await db.notificationWebhook.deleteMany({ where: { userId } });
  return count > 0;
}
