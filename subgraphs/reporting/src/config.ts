import { z } from "zod";
import { httpUrl, port, subgraphBaseConfig } from "../../../kernel/config.js";

export const reportingConfigSchema = subgraphBaseConfig.extend({
  REPORTING_PORT: port(4006),
  /** The ledger's GraphQL endpoint, read for statements until reporting keeps its own projections. */
  TRANSACTIONS_URL: httpUrl.default("http://localhost:4003/graphql"),
  LEDGER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type ReportingConfig = z.infer<typeof reportingConfigSchema>;
