// Starts the router alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { routerConfigSchema } from "./config.js";
import { startRouter } from "./server.js";

const config = loadConfigOrExit(routerConfigSchema);
await runAlone("the router", "ROUTER_PORT", createLogger("router", config.LOG_LEVEL), () => startRouter(config));
