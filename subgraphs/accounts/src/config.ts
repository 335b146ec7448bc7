import type { z } from "zod";
import { httpUrl, port, subgraphBaseConfig } from "../../../kernel/config.js";

export const accountsConfigSchema = subgraphBaseConfig.extend({
  ACCOUNTS_PORT: port(4002),
  /** The ledger (transactions subgraph), told synchronously of every account opened, frozen or closed. */
  TRANSACTIONS_URL: httpUrl.default("http://localhost:4003/graphql"),
});

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
