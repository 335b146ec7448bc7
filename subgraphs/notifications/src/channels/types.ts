// The one interface every external delivery channel implements (e-mail, webhook, SMS gateway; push would be
// another). The dispatcher owns queueing, retries and the delivery log; a channel only tries to send one
// notification once and says how it went.

export type ChannelName = "EMAIL" | "WEBHOOK" | "SMS";

/** A queued notification, as handed to a channel (no personal data: the channel looks up the address). */
export interface OutgoingNotification {
  deliveryId: string;
  userId: string;
  eventId: string;
  kind: string;
  title: string;
  body: string;
  transactionId: string | null;
  createdAt: Date;
  /** 1 for the first try. */
  attempt: number;
}

export type SendOutcome =
  | { status: "sent"; statusCode?: number }
  /** Nothing to send to (no address, no endpoint): final, not an error. */
  | { status: "skipped"; reason: string }
  /** `retryable`: a timeout, a network error, a 5xx/429 answer; otherwise (4xx, refused address) final. */
  | { status: "failed"; retryable: boolean; error: string; statusCode?: number };

export interface NotificationChannel {
  readonly name: ChannelName;
  send(notification: OutgoingNotification): Promise<SendOutcome>;
  close?(): Promise<void>;
}
