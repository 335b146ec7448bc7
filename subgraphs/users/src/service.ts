import { createDatabase, type Database } from "#kernel/db.js";
import { startServiceRelay } from "#kernel/events/runtime.js";
import { createLogger } from "#kernel/logger.js";
import { readSchemaFile } from "#kernel/service-runtime.js";
import { createSharedStore } from "#kernel/shared-store.js";
import { type RunningService, startDatabaseSubgraph } from "#kernel/subgraph-server.js";
import type { UsersConfig } from "./config.js";
import type { UsersContext, UsersServices } from "./context.js";
import { jwksDocument, loadSigningKeyring, recordSigningKeyInUse } from "./keys.js";
import { createMoneyExchangedLoader } from "./counterparty-names.js";
import { createUserLoaders } from "./loaders.js";
import { loadCommonPasswords } from "./password-policy.js";
import { recordSigningKeyRotation } from "./security-events.js";
import { resolvers } from "./resolvers/index.js";
import { mfaSecretBox } from "./secret-box.js";
import { LoginThrottle } from "./throttle.js";
import { auditTrail } from "#domain/audit-trail.js";

export const JWKS_PATH = "/.well-known/jwks.json";

export async function startUsersService(config: UsersConfig, database?: Database): Promise<RunningService> {
  const keyring = await loadSigningKeyring(config);
  // Opened here (not by startDatabaseSubgraph) so the start-up check below can use it; closed on stop.
  const ownDatabase = database
    ? undefined
    : createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "users" });
  const db = database ?? ownDatabase!;
  // The rotation reaches the audit trail through the outbox (security-events.ts).
  await recordSigningKeyRotation(db.prisma, (tx) => recordSigningKeyInUse(tx, keyring), keyring.active.kid);
  const store = await createSharedStore({
    url: config.REDIS_URL,
    prefix: config.REDIS_KEY_PREFIX,
    logger: createLogger("users-store", config.LOG_LEVEL),
  });
  const services: UsersServices = {
    keyring,
    tokenSettings: {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    },
    store,
    throttle: new LoginThrottle(store, {
      maxPerAccountAddress: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS,
      maxPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
      lockoutSeconds: config.LOGIN_LOCKOUT_SECONDS,
      accountDelayAfter: config.LOGIN_ACCOUNT_DELAY_AFTER_FAILURES,
      accountDelayBaseMs: config.LOGIN_ACCOUNT_DELAY_BASE_MS,
      accountDelayMaxMs: config.LOGIN_ACCOUNT_DELAY_MAX_MS,
      alertAfter: config.LOGIN_ALERT_AFTER_FAILURES,
    }),
    stepUp: { maxAgeSeconds: config.STEP_UP_MAX_AGE_SECONDS, maxFailuresPerSession: config.STEP_UP_MAX_FAILURES_PER_SESSION },
    mfaBox: mfaSecretBox(config),
    commonPasswords: loadCommonPasswords(config.COMMON_PASSWORDS_FILE),
    subgraphUrls: {
      accounts: config.SUBGRAPH_ACCOUNTS_URL,
      transactions: config.SUBGRAPH_TRANSACTIONS_URL,
      notifications: config.SUBGRAPH_NOTIFICATIONS_URL,
    },
  };
  const jwks = jwksDocument(keyring);
  const service = await startDatabaseSubgraph<UsersContext>({
    name: "users",
    instrumentSchema: auditTrail("users"),
    port: config.USERS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database: db,
    createContext: (base, prisma) => ({
      ...base,
      ...services,
      db: prisma,
      loaders: { ...createUserLoaders(prisma), moneyExchangedWith: createMoneyExchangedLoader(base, services.subgraphUrls.transactions) },
    }),
    extraRoutes: [
      (req, res) => {
        if (req.url !== JWKS_PATH) return false;
        // Short cache: a key added for rotation must reach the routers well before it signs.
        res.writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" });
        res.end(jwks);
        return true;
      },
    ],
  });
  const relay = startServiceRelay(config, "users", createLogger("users", config.LOG_LEVEL));
  return {
    ...service,
    async stop() {
      await relay.stop();
      await service.stop();
      await store.close();
      await ownDatabase?.close();
    },
  };
}
