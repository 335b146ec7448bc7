import type { Database } from "../../../kernel/db.js";
import { readSchemaFile } from "../../../kernel/service-runtime.js";
import { type RunningService, startDatabaseSubgraph } from "../../../kernel/subgraph-server.js";
import type { UsersConfig } from "./config.js";
import type { UsersContext } from "./context.js";
import { loadSigningKey } from "./keys.js";
import { createUserLoaders } from "./loaders.js";
import { resolvers } from "./resolvers/index.js";

export const JWKS_PATH = "/.well-known/jwks.json";

export async function startUsersService(config: UsersConfig, database?: Database): Promise<RunningService> {
  const signingKey = await loadSigningKey(config.JWT_PRIVATE_KEY, config.JWT_PRIVATE_KEY_FILE);
  const tokenSettings = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS };
  const jwks = JSON.stringify({ keys: [signingKey.publicJwk] });
  return startDatabaseSubgraph<UsersContext>({
    name: "users",
    port: config.USERS_PORT,
    typeDefs: await readSchemaFile(import.meta.url),
    resolvers,
    config,
    database,
    createContext: (base, prisma) => ({ ...base, db: prisma, loaders: createUserLoaders(prisma), signingKey, tokenSettings }),
    extraRoutes: [
      (req, res) => {
        if (req.url !== JWKS_PATH) return false;
        res.writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" });
        res.end(jwks);
        return true;
      },
    ],
  });
}
