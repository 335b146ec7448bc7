// Starts the accounts subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { accountsConfigSchema } from "./config.js";
import { startAccountsService } from "./service.js";

const config = loadConfigOrExit(accountsConfigSchema);
await runAlone("the accounts subgraph", "ACCOUNTS_PORT", createLogger("accounts", config.LOG_LEVEL), () => startAccountsService(config));
