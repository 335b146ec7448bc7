// Starts the accounts subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "../../../kernel/config.js";
import { createLogger } from "../../../kernel/logger.js";
import { stopOnSignals } from "../../../kernel/service-runtime.js";
import { accountsConfigSchema } from "./config.js";
import { startAccountsService } from "./service.js";

const config = loadConfigOrExit(accountsConfigSchema);
const service = await startAccountsService(config);
stopOnSignals(createLogger("accounts", config.LOG_LEVEL), () => [service]);
