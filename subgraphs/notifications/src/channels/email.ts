// The e-mail channel: one message per notification over SMTP (nodemailer), to the address the users
// subgraph holds. SMTP 4xx replies and connection problems are retried; 5xx replies (bad mailbox) are final.
import nodemailer, { type Transporter } from "nodemailer";
import type { RecipientDirectory } from "./recipients.js";
import type { NotificationChannel, OutgoingNotification, SendOutcome } from "./types.js";

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

export class EmailChannel implements NotificationChannel {
  readonly name = "EMAIL" as const;
  private readonly transporter: Transporter;

  constructor(private readonly options: { smtpUrl: string; from: string; directory: RecipientDirectory; timeoutMs: number }) {
    this.transporter = nodemailer.createTransport(options.smtpUrl, {
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    } as never);
  }

  async send(notification: OutgoingNotification): Promise<SendOutcome> {
    let to: string | null;
    try {
      to = await this.options.directory.emailOf(notification.userId);
    } catch (error) {
      return { status: "failed", retryable: true, error: `recipient lookup failed: ${errorText(error)}` };
    }
    if (!to) return { status: "skipped", reason: "the user has no e-mail address" };
    try {
      await this.transporter.sendMail({
        from: this.options.from,
        to,
        subject: notification.title,
        text: `${notification.body}\n\nYou receive this e-mail because e-mail notifications are on for this kind of event in your FedBank notification settings.`,
        headers: { "X-FedBank-Notification-Kind": notification.kind, "X-FedBank-Delivery": notification.deliveryId },
      });
      return { status: "sent", statusCode: 250 };
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode;
      // A permanent SMTP rejection (5xx) will not change by retrying; anything else may.
      const retryable = !(typeof responseCode === "number" && responseCode >= 500);
      return { status: "failed", retryable, error: errorText(error), ...(responseCode ? { statusCode: responseCode } : {}) };
    }
  }

  async close() {
    this.transporter.close();
  }
}
