// Starts the audit subgraph alone (one process per service, as in containers).
import { loadConfigOrExit } from "#kernel/config.js";
import { createLogger } from "#kernel/logger.js";
import { runAlone } from "#kernel/service-runtime.js";
import { auditConfigSchema } from "./config.js";
import { startAuditService } from "./service.js";

const config = loadConfigOrExit(auditConfigSchema);
await runAlone("the audit subgraph", "AUDIT_PORT", createLogger("audit", config.LOG_LEVEL), () => startAuditService(config));
