// The webhook channel: the notification as JSON, POSTed to the endpoint the user registered, signed with
// the endpoint's secret (HMAC-SHA256 over "<timestamp>.<body>", see secrets.ts). 2xx is delivered; 408, 429,
// 5xx, timeouts and network errors are retried by the dispatcher; other answers and refused addresses are final.
import type { NotificationsDb } from "../db.js";
import { isRetryableStatus, postOnce, RefusedAddressError } from "./safe-http.js";
import { DELIVERY_HEADER, decryptSecret, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./secrets.js";
import type { NotificationChannel, OutgoingNotification, SendOutcome } from "./types.js";

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/** The JSON body receivers get (stable field names: part of the public contract, docs/events.md). */
export function webhookBody(notification: OutgoingNotification): string {
  return JSON.stringify({
    type: "notification",
    deliveryId: notification.deliveryId,
    eventId: notification.eventId,
    userId: notification.userId,
    kind: notification.kind,
    title: notification.title,
    body: notification.body,
    transactionId: notification.transactionId,
    createdAt: notification.createdAt.toISOString(),
  });
}

/** Sends a signed JSON body once and classifies the result (shared by the webhook and SMS-gateway channels). */
export async function sendSigned(
  url: string,
  secret: string,
  body: string,
  deliveryId: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendOutcome> {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const { statusCode } = await postOnce(
      url,
      body,
      {
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
        [DELIVERY_HEADER]: deliveryId,
        "user-agent": "FedBank-Webhooks/1",
      },
      options,
    );
    if (statusCode >= 200 && statusCode < 300) return { status: "sent", statusCode };
    return { status: "failed", retryable: isRetryableStatus(statusCode), error: `endpoint answered HTTP ${statusCode}`, statusCode };
  } catch (error) {
    return { status: "failed", retryable: !(error instanceof RefusedAddressError), error: errorText(error) };
  }
}

export class WebhookChannel implements NotificationChannel {
  readonly name = "WEBHOOK" as const;

  constructor(
    private readonly options: {
      db: Pick<NotificationsDb, "notificationWebhook">;
      encryptionKey: Buffer;
      timeoutMs: number;
      allowPrivate: boolean;
    },
  ) {}

  async send(notification: OutgoingNotification): Promise<SendOutcome> {
    const endpoint = await this.options.db.notificationWebhook.findUnique({ where: { userId: notification.userId } });
    if (!endpoint) return { status: "skipped", reason: "no webhook registered" };
    const secret = decryptSecret(this.options.encryptionKey, endpoint.secretEncrypted);
    return sendSigned(endpoint.url, secret, webhookBody(notification), notification.deliveryId, this.options);
  }
}
