import type { z } from "zod";
import { httpUrl, port, subgraphBaseConfig } from "#kernel/config.js";
import { eventsRuntimeConfigShape } from "#kernel/events/runtime.js";

export const accountsConfigSchema = subgraphBaseConfig.extend({
  ACCOUNTS_PORT: port(4002),
  /** Outbox relay of the accounts domain (docs/events.md). */
  ...eventsRuntimeConfigShape,
  /** The ledger (transactions subgraph), told synchronously of every account opened, frozen or closed. */
  TRANSACTIONS_URL: httpUrl.default("http://localhost:4003/graphql"),
});

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
