import { z } from "zod";
import { port, subgraphBaseConfig } from "#kernel/config.js";
import { eventsRuntimeConfigShape } from "#kernel/events/runtime.js";

export const transactionsConfigSchema = subgraphBaseConfig.extend({
  TRANSACTIONS_PORT: port(4003),
  /** Outbox relay of the ledger domain (docs/events.md). */
  ...eventsRuntimeConfigShape,
  /** How long an authorized (held) transfer reserves funds before it expires. */
  HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(90 * 86_400).default(7 * 86_400),
  /** How often the hold-expiry job moves holds past their expiry to EXPIRED (emitting ledger.hold.expired). */
  HOLD_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** How long before its expiry a pending hold's owner is warned (ledger.hold.expiring); 0 = no warning. */
  HOLD_EXPIRY_WARNING_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  /** How long idempotency keys are kept (at least 24 h, as promised to clients); older ones are purged hourly. */
  IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(24).max(24 * 365).default(72),
  /** Look-ups of other customers' accounts by number (transfers, holds) per customer and window (number-lookups.ts). */
  ACCOUNT_NUMBER_LOOKUPS_MAX: z.coerce.number().int().min(1).max(1_000_000).default(30),
  ACCOUNT_NUMBER_LOOKUPS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
});

export type TransactionsConfig = z.infer<typeof transactionsConfigSchema>;
