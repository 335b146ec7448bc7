// Starts the transactions subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { transactionsConfigSchema } from "./config.js";
import { startTransactionsService } from "./service.js";

const config = loadConfigOrExit(transactionsConfigSchema);
await runAlone("the transactions subgraph", "TRANSACTIONS_PORT", createLogger("transactions", config.LOG_LEVEL), () => startTransactionsService(config));
