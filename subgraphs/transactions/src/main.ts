// Starts the transactions subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "../../../kernel/config.js";
import { createLogger } from "../../../kernel/logger.js";
import { stopOnSignals } from "../../../kernel/service-runtime.js";
import { transactionsConfigSchema } from "./config.js";
import { startTransactionsService } from "./service.js";

const config = loadConfigOrExit(transactionsConfigSchema);
const service = await startTransactionsService(config);
stopOnSignals(createLogger("transactions", config.LOG_LEVEL), () => [service]);
