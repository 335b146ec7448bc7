import { z } from "zod";
import { httpUrl, identitySecret, logLevel, nodeEnv, port, redisUrl } from "../../kernel/config.js";
import { parseTrustedProxies } from "./client-ip.js";
import { parseRoleLimits } from "./protection/rate-limit.js";

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1")
  .optional();

/** `ROLE=number` pairs, comma-separated (per-role overrides of a limit). */
const roleLimits = z
  .string()
  .default("")
  .refine(
    (value) => {
      try {
        parseRoleLimits(value);
        return true;
      } catch {
        return false;
      }
    },
    { message: "must be a comma-separated list of ROLE=number" },
  );

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
  /** "Did you mean …" suggestions in validation errors: on outside production unless set. */
  FIELD_SUGGESTIONS: booleanFlag,
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
  /** Rate limits (docs/router.md): shared by replicas through REDIS_URL. */
  RATE_LIMIT_ENABLED: booleanFlag,
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Requests per window per client IP, without an access token. */
  RATE_LIMIT_ANONYMOUS_REQUESTS: z.coerce.number().int().min(1).default(300),
  /** Requests per window per authenticated user (token subject), unless RATE_LIMIT_ROLE_REQUESTS names the role. */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(600),
  /** Per-role overrides, e.g. `TELLER=1200,ADMIN=1200`. */
  RATE_LIMIT_ROLE_REQUESTS: roleLimits,
  /** login/register/refreshToken/confirmMfa/disableMfa: attempts per window per client IP and per target account. */
  RATE_LIMIT_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  RATE_LIMIT_AUTH_IP_ATTEMPTS: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_AUTH_ACCOUNT_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  /** How long the shared counter call may take before the failure policy applies. */
  RATE_LIMIT_STORE_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /** Shared store unavailable: `open` = local in-memory limiter, `closed` = 503. */
  RATE_LIMIT_FAIL_MODE: z.enum(["open", "closed"]).default("open"),
  RATE_LIMIT_AUTH_FAIL_MODE: z.enum(["open", "closed"]).default("closed"),
  /** Cost points per window per authenticated user / per client IP without a token (docs/router.md). */
  RATE_LIMIT_COST_POINTS: z.coerce.number().int().min(1).default(50_000),
  RATE_LIMIT_ANONYMOUS_COST_POINTS: z.coerce.number().int().min(1).default(10_000),
  /** Per-role overrides of RATE_LIMIT_COST_POINTS, e.g. `ANALYST=200000`. */
  RATE_LIMIT_ROLE_COST_POINTS: roleLimits,
  /** Demand control: the largest estimated cost one operation may have, and the size assumed for unsized lists. */
  COST_MAX_PER_OPERATION: z.coerce.number().int().min(1).default(5_000),
  COST_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).default(20),
  /** Operation limits (docs/router.md), checked before planning: 400 OPERATION_LIMIT naming the limit. */
  OPERATION_MAX_BYTES: z.coerce.number().int().min(1_000).default(65_536),
  OPERATION_MAX_TOKENS: z.coerce.number().int().min(100).default(5_000),
  OPERATION_MAX_DEPTH: z.coerce.number().int().min(2).default(20),
  OPERATION_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  OPERATION_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(20),
  OPERATION_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
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
