// Starts the notifications subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { notificationsConfigSchema } from "./config.js";
import { startNotificationsService } from "./service.js";

const config = loadConfigOrExit(notificationsConfigSchema);
await runAlone("the notifications subgraph", "NOTIFICATIONS_PORT", createLogger("notifications", config.LOG_LEVEL), () => startNotificationsService(config));
