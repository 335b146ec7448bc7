import { createDatabase, type Database } from "../../../kernel/db.js";
import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "../../../kernel/subgraph-server.js";
import type { AuditConfig } from "./config.js";
import type { AuditContext } from "./context.js";
import { createAuditLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startAuditService(config: AuditConfig, database?: Database): Promise<RunningService> {
  const logger = createLogger("audit", config.LOG_LEVEL);
  const db = database ?? createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "audit" });

  const service = await startSubgraph<AuditContext>({
    name: "audit",
    port: config.AUDIT_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    logger,
    readinessChecks: { database: () => db.ping() },
    createContext: (base) => ({ ...base, db: db.prisma, loaders: createAuditLoaders(db.prisma) }),
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}
