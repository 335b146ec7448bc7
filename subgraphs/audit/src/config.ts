import type { z } from "zod";
import { port, subgraphBaseConfig } from "../../../kernel/config.js";

export const auditConfigSchema = subgraphBaseConfig.extend({
  AUDIT_PORT: port(4005),
});

export type AuditConfig = z.infer<typeof auditConfigSchema>;
