import { createDatabase, type Database } from "../../../kernel/db.js";
import { createLogger } from "../../../kernel/logger.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startSubgraph } from "../../../kernel/subgraph-server.js";
import type { UsersConfig } from "./config.js";
import type { UsersContext } from "./context.js";
import { loadSigningKey } from "./keys.js";
import { createUserLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export const JWKS_PATH = "/.well-known/jwks.json";

export async function startUsersService(config: UsersConfig, database?: Database): Promise<RunningService> {
  const logger = createLogger("users", config.LOG_LEVEL);
  const db = database ?? createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: "users" });
  const signingKey = await loadSigningKey(config.JWT_PRIVATE_KEY, config.JWT_PRIVATE_KEY_FILE);
  const tokenSettings = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS };
  const jwks = JSON.stringify({ keys: [signingKey.publicJwk] });

  const service = await startSubgraph<UsersContext>({
    name: "users",
    port: config.USERS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    identitySecret: config.ROUTER_IDENTITY_SECRET,
    logger,
    readinessChecks: { database: () => db.ping() },
    createContext: (base) => ({ ...base, db: db.prisma, loaders: createUserLoaders(db.prisma), signingKey, tokenSettings }),
    extraRoutes: [
      (req, res) => {
        if (req.url !== JWKS_PATH) return false;
        res.writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" });
        res.end(jwks);
        return true;
      },
    ],
  });
  return {
    ...service,
    async stop() {
      await service.stop();
      if (!database) await db.close();
    },
  };
}
