import type { z } from "zod";
import { port, subgraphBaseConfig } from "../../../kernel/config.js";

export const accountsConfigSchema = subgraphBaseConfig.extend({
  ACCOUNTS_PORT: port(4002),
});

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
