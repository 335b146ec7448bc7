import type { Database } from "../../../kernel/db.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "../../../kernel/subgraph-server.js";
import type { AuditConfig } from "./config.js";
import type { AuditContext } from "./context.js";
import { createAuditLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export async function startAuditService(config: AuditConfig, database?: Database): Promise<RunningService> {
  return startDatabaseSubgraph<AuditContext>({
    name: "audit",
    port: config.AUDIT_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database,
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createAuditLoaders(prisma) }),
  });
}
