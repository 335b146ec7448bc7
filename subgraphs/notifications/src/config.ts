import type { z } from "zod";
import { port, subgraphBaseConfig } from "../../../kernel/config.js";
import { eventsRuntimeConfigShape } from "../../../kernel/events/runtime.js";

export const notificationsConfigSchema = subgraphBaseConfig.extend({
  NOTIFICATIONS_PORT: port(4004),
  /** Consumers of the users, accounts and ledger streams (docs/events.md). */
  ...eventsRuntimeConfigShape,
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
