// Starts the users subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "../../../kernel/config.js";
import { createLogger } from "../../../kernel/logger.js";
import { stopOnSignals } from "../../../kernel/service-runtime.js";
import { usersConfigSchema } from "./config.js";
import { startUsersService } from "./service.js";

const config = loadConfigOrExit(usersConfigSchema);
const service = await startUsersService(config);
stopOnSignals(createLogger("users", config.LOG_LEVEL), () => [service]);
