// The audit service: the GraphQL API over the trail (auditors and admins), the consumers that append every
// stream's audit events to the hash chain, the signing key of the digest (public key at
// /.well-known/audit-key) and a periodic verification that keeps `fedbank_audit_chain_valid` current.
import { createDatabase, type Database } from "#kernel/db.js";
import { openServiceTransport } from "#kernel/events/runtime.js";
import { sendJson } from "#kernel/http.js";
import { createLogger } from "#kernel/logger.js";
import { readSchemaFile } from "#kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "#kernel/subgraph-server.js";
import { verifyAuditChain } from "./chain.js";
import type { AuditConfig } from "./config.js";
import { createAuditConsumers } from "./consumers.js";
import type { AuditContext } from "./context.js";
import { loadAuditSigningKey } from "./digest.js";
import { createAuditLoaders } from "./loaders.js";
import { auditMetrics, registerAuditMetrics } from "./metrics.js";
import { resolvers } from "./resolvers/index.js";

export const AUDIT_KEY_PATH = "/.well-known/audit-key";

export async function startAuditService(config: AuditConfig, database?: Database): Promise<RunningService> {
  const logger = createLogger("audit", config.LOG_LEVEL);
  const signingKey = await loadAuditSigningKey(config);
  // Opened here (not by startDatabaseSubgraph) so the consumers share it; closed on stop.
  const ownDatabase = database
    ? undefined
    : createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "audit" });
  const db = database ?? ownDatabase!;
  const { transport, close } = openServiceTransport(config, logger);
  const consumers = createAuditConsumers({ transport, prisma: db.prisma, logger, config });
  const service = await startDatabaseSubgraph<AuditContext>({
    name: "audit",
    port: config.AUDIT_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database: db,
    registerMetrics: registerAuditMetrics,
    extraRoutes: [
      (req, res) => {
        if (new URL(req.url ?? "/", "http://localhost").pathname !== AUDIT_KEY_PATH) return false;
        sendJson(res, 200, { algorithm: "Ed25519", keyId: signingKey.keyId, publicKey: signingKey.publicKeyPem });
        return true;
      },
    ],
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createAuditLoaders(prisma), signingKey }),
  }).catch(async (error: unknown) => {
    await close();
    await ownDatabase?.close();
    throw error;
  });

  // Verification at start and then periodically, so the gauge says something true before anyone asks.
  let verifying: Promise<void> | undefined;
  const verify = () => {
    verifying ??= verifyAuditChain(db.prisma)
      .then((result) => {
        auditMetrics.chainValid.set(result.valid ? 1 : 0);
        if (!result.valid) logger.error({ firstInvalidSequence: result.firstInvalidSequence?.toString() }, "the audit chain is broken");
      })
      .catch((error: unknown) => logger.warn({ err: error }, "audit chain verification could not run"))
      .finally(() => (verifying = undefined));
  };
  const timer = config.AUDIT_VERIFY_INTERVAL_SECONDS > 0 ? setInterval(verify, config.AUDIT_VERIFY_INTERVAL_SECONDS * 1000) : undefined;
  timer?.unref();
  if (config.AUDIT_VERIFY_INTERVAL_SECONDS > 0) verify();
  if (config.AUDIT_CONSUMERS_ENABLED) for (const consumer of Object.values(consumers)) consumer.start();
  return {
    ...service,
    async stop() {
      clearInterval(timer);
      await Promise.all(Object.values(consumers).map((consumer) => consumer.stop()));
      await verifying;
      await close();
      await service.stop();
      await ownDatabase?.close();
    },
  };
}
