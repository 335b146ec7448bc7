import type { z } from "zod";
import { port, subgraphBaseConfig } from "#kernel/config.js";
import { eventsRuntimeConfigShape } from "#kernel/events/runtime.js";
import { channelsConfigShape } from "./channels/config.js";

export const notificationsConfigSchema = subgraphBaseConfig.extend({
  NOTIFICATIONS_PORT: port(4004),
  /** Consumers of the users, accounts and ledger streams (docs/events.md). */
  ...eventsRuntimeConfigShape,
  /** E-mail, webhook and SMS-gateway delivery (channels/config.ts, docs/events.md). */
  ...channelsConfigShape,
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
