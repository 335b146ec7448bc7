// Starts the reporting subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { reportingConfigSchema } from "./config.js";
import { startReportingService } from "./service.js";

const config = loadConfigOrExit(reportingConfigSchema);
await runAlone("the reporting subgraph", "REPORTING_PORT", createLogger("reporting", config.LOG_LEVEL), () => startReportingService(config));
