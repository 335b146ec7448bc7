import { z } from "zod";
import { httpUrl, identitySecret, logLevel, nodeEnv, port, redisUrl } from "../../kernel/config.js";
import { parseTrustedProxies } from "./client-ip.js";

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1")
  .optional();

export const routerConfigSchema = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  ROUTER_PORT: port(4000),
  /** The composed supergraph to serve. */
  SUPERGRAPH_PATH: z.string().min(1).default("schema/supergraph.graphql"),
  /** Per-subgraph URL overrides; the supergraph's own URLs are used otherwise. */
  SUBGRAPH_USERS_URL: httpUrl.optional(),
  SUBGRAPH_ACCOUNTS_URL: httpUrl.optional(),
  SUBGRAPH_TRANSACTIONS_URL: httpUrl.optional(),
  SUBGRAPH_NOTIFICATIONS_URL: httpUrl.optional(),
  SUBGRAPH_AUDIT_URL: httpUrl.optional(),
  SUBGRAPH_REPORTING_URL: httpUrl.optional(),
  /** Where the users service publishes its token-signing public keys. */
  JWKS_URL: httpUrl.default("http://localhost:4001/.well-known/jwks.json"),
  JWT_ISSUER: z.string().min(1).default("fedbank-users"),
  JWT_AUDIENCE: z.string().min(1).default("fedbank"),
  ROUTER_IDENTITY_SECRET: identitySecret,
  /** Optional: shared state for router replicas. Without it the router keeps that state in memory. */
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z.string().default("fedbank:"),
  /** Schema introspection: on outside production unless set. */
  INTROSPECTION: booleanFlag,
  /** The GraphiQL playground at GET /graphql (browsers): on outside production unless set. */
  PLAYGROUND: booleanFlag,
  /**
   * Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed for the client IP.
   * Default: none, the socket's peer address is the client.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .refine(
      (value) => {
        try {
          parseTrustedProxies(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: "must be a comma-separated list of IP addresses or CIDRs" },
    ),
  /** How long the per-request session-revocation lookup may take before the request is refused (503). */
  REVOCATION_CHECK_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});

export type RouterConfig = z.infer<typeof routerConfigSchema>;

/** SUBGRAPH_<NAME>_URL overrides, keyed by subgraph name as it appears in the supergraph. */
export function subgraphUrlOverrides(config: RouterConfig): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match?.[1] && typeof value === "string") overrides[match[1].toLowerCase()] = value;
  }
  return overrides;
}
