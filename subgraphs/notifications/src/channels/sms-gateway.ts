// An SMS provider behind the same channel interface, through an HTTP SMS gateway (the usual shape of SMS
// APIs): the short text is POSTed as signed JSON to SMS_GATEWAY_URL, and the gateway, which holds the
// customers' phone numbers or looks them up, sends the message. Push notifications would plug in the same way.
// It is selected only for deliveries queued with channel SMS; the preferences API has no SMS flag yet.
import { sendSigned } from "./webhook.js";
import type { NotificationChannel, OutgoingNotification, SendOutcome } from "./types.js";

/** An SMS is short: the title, cut to one 160-character segment. */
export function smsText(notification: Pick<OutgoingNotification, "title">): string {
  return notification.title.length <= 160 ? notification.title : `${notification.title.slice(0, 157)}...`;
}

export class SmsGatewayChannel implements NotificationChannel {
  readonly name = "SMS" as const;

  constructor(private readonly options: { gatewayUrl: string; signingSecret: string; timeoutMs: number; allowPrivate: boolean }) {}

  send(notification: OutgoingNotification): Promise<SendOutcome> {
    const body = JSON.stringify({ type: "sms", deliveryId: notification.deliveryId, userId: notification.userId, text: smsText(notification) });
    return sendSigned(this.options.gatewayUrl, this.options.signingSecret, body, notification.deliveryId, this.options);
  }
}
