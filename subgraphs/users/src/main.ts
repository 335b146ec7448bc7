// Starts the users subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { usersConfigSchema } from "./config.js";
import { startUsersService } from "./service.js";

const config = loadConfigOrExit(usersConfigSchema);
await runAlone("the users subgraph", "USERS_PORT", createLogger("users", config.LOG_LEVEL), () => startUsersService(config));
