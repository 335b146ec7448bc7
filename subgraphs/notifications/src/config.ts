import type { z } from "zod";
import { port, subgraphBaseConfig } from "../../../kernel/config.js";

export const notificationsConfigSchema = subgraphBaseConfig.extend({
  NOTIFICATIONS_PORT: port(4004),
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
