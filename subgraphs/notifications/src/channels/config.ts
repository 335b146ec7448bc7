// Configuration of the external delivery channels (e-mail, webhooks, SMS gateway) and of the dispatcher that
// sends their durable queue. Merged into the notifications service's config (../config.ts).
import { z } from "zod";
import { httpUrl } from "#kernel/config.js";

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .transform((value) => value === "true" || value === "1")
    .default(fallback);

export const channelsConfigShape = {
  /** SMTP server for e-mail (smtp:// or smtps://, credentials in the URL); e-mail is off when unset. */
  SMTP_URL: z.string().refine((value) => /^smtps?:\/\/.+/.test(value), { message: "must be an smtp:// or smtps:// URL" }).optional(),
  /** Sender of notification e-mails. */
  SMTP_FROM: z.string().min(3).default("FedBank <no-reply@fedbank.example>"),
  /** The users subgraph (recipients' e-mail addresses); needed when SMTP_URL is set. */
  SUBGRAPH_USERS_URL: httpUrl.optional(),
  /** Key for encrypting users' webhook signing secrets at rest (≥ 32 chars); derived from ROUTER_IDENTITY_SECRET when unset. */
  NOTIFICATIONS_SECRET_KEY: z.string().min(32, { message: "must be at least 32 characters long" }).optional(),
  /** Per-request timeout of webhook and SMS-gateway calls. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Allow webhooks to loopback/private/link-local addresses (tests, development); never in production. */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: flag(false),
  /** SMS gateway (an HTTP endpoint receiving signed JSON); the SMS channel is off when unset. */
  SMS_GATEWAY_URL: httpUrl.optional(),
  /** HMAC secret shared with the SMS gateway (≥ 32 chars); required with SMS_GATEWAY_URL. */
  SMS_GATEWAY_SECRET: z.string().min(32, { message: "must be at least 32 characters long" }).optional(),
  /** Run the event consumers and the delivery dispatcher in this process (false: API only). */
  NOTIFICATIONS_WORKERS_ENABLED: flag(true),
  /** How often the dispatcher looks for due deliveries. */
  DELIVERY_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(60_000).default(1_000),
  /** Attempts per delivery before it is marked FAILED. */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Retry backoff: base, doubled per attempt, capped, with jitter. */
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2_000),
  DELIVERY_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(600_000),
  /** A claimed delivery not finished within this time (crashed sender) is tried again. */
  DELIVERY_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
} as const;

export interface ChannelsConfig {
  NODE_ENV: "development" | "test" | "production";
  ROUTER_IDENTITY_SECRET: string;
  SMTP_URL?: string | undefined;
  SMTP_FROM: string;
  SUBGRAPH_USERS_URL?: string | undefined;
  NOTIFICATIONS_SECRET_KEY?: string | undefined;
  WEBHOOK_TIMEOUT_MS: number;
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: boolean;
  SMS_GATEWAY_URL?: string | undefined;
  SMS_GATEWAY_SECRET?: string | undefined;
  NOTIFICATIONS_WORKERS_ENABLED: boolean;
  DELIVERY_POLL_INTERVAL_MS: number;
  DELIVERY_MAX_ATTEMPTS: number;
  DELIVERY_RETRY_BASE_MS: number;
  DELIVERY_RETRY_MAX_MS: number;
  DELIVERY_LEASE_MS: number;
}
