// Starts the audit subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "../../../kernel/config.js";
import { createLogger } from "../../../kernel/logger.js";
import { stopOnSignals } from "../../../kernel/service-runtime.js";
import { auditConfigSchema } from "./config.js";
import { startAuditService } from "./service.js";

const config = loadConfigOrExit(auditConfigSchema);
const service = await startAuditService(config);
stopOnSignals(createLogger("audit", config.LOG_LEVEL), () => [service]);
