import { z } from "zod";
import { httpUrl, port, subgraphBaseConfig } from "#kernel/config.js";
import { eventsRuntimeConfigShape } from "#kernel/events/runtime.js";
import { isTimeZone } from "./periods.js";

export const reportingConfigSchema = subgraphBaseConfig.extend({
  REPORTING_PORT: port(4006),
  /** The ledger's GraphQL endpoint: statements and reconciliation read it (reporting never reads its tables). */
  TRANSACTIONS_URL: httpUrl.default("http://localhost:4003/graphql"),
  LEDGER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Consumers (group "reporting") of the ledger, accounts and users streams (docs/reporting.md). */
  ...eventsRuntimeConfigShape,
  /** Every this many minutes, reconcile yesterday and today with the ledger and log any difference; 0 = off. */
  REPORTING_RECONCILE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(0),
  /** The dashboard's "active sessions": sessions started by a login within this many minutes. */
  REPORTING_SESSION_WINDOW_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  /** The bank's time zone (IANA name): monthly statements run from local midnight to local midnight. */
  BANK_TIME_ZONE: z
    .string()
    .default("UTC")
    .refine(isTimeZone, "must be an IANA time zone name such as Europe/Paris or UTC"),
});

export type ReportingConfig = z.infer<typeof reportingConfigSchema>;
