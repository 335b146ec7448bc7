import type { z } from "zod";
import { port, subgraphBaseConfig } from "../../../kernel/config.js";

export const transactionsConfigSchema = subgraphBaseConfig.extend({
  TRANSACTIONS_PORT: port(4003),
});

export type TransactionsConfig = z.infer<typeof transactionsConfigSchema>;
