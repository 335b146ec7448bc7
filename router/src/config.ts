import { z } from "zod";
import { httpUrl, identitySecret, logLevel, nodeEnv, port, redisUrl, tracingConfigFields } from "#kernel/config.js";
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
  ...tracingConfigFields,
  /** Distinct operation names kept as metric labels; later ones are counted as `other` (docs/operations.md). */
  OPERATION_METRICS_MAX_NAMES: z.coerce.number().int().min(1).max(10_000).default(200),
  ROUTER_PORT: port(4000),
  /**
   * Operational endpoints (GET /metrics, /health) on their own port, bound to ROUTER_ADMIN_HOST (loopback by
   * default: compose and Kubernetes set 0.0.0.0 so the scraper reaches it on the private network, never
   * through the ingress). Default port: 9400 in production, a free one otherwise (logged; 0 = a free one).
   */
  ROUTER_ADMIN_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  ROUTER_ADMIN_HOST: z.string().min(1).default("127.0.0.1"),
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
  /**
   * The access-token lifetime the users service issues (same variable): a token whose `exp - iat` is longer
   * (beyond the clock skew) is refused, as is one issued in the future.
   */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  ROUTER_IDENTITY_SECRET: identitySecret,
  /** Optional: shared state for router replicas. Without it the router keeps that state in memory. */
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z.string().default("fedbank:"),
  /** Schema introspection: on outside production unless set. */
  INTROSPECTION: booleanFlag,
  /** "Did you mean …" suggestions in validation errors: on outside production unless set. */
  FIELD_SUGGESTIONS: booleanFlag,
  /**
   * The GraphiQL playground at GET /graphql (browsers): on outside production unless set. `staff`: the page
   * is served, and introspection (schema docs) answers only staff tokens unless INTROSPECTION says otherwise.
   */
  PLAYGROUND: z
    .enum(["true", "false", "1", "0", "staff"])
    .transform((value): boolean | "staff" => (value === "staff" ? "staff" : value === "true" || value === "1"))
    .optional(),
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
  /**
   * Mutations that check a credential (login, register, refreshToken, enrollMfa/confirmMfa/disableMfa,
   * changePassword, any step-up with a password or code): attempts per window per client IP and per account.
   */
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
  /**
   * The expansion pre-check (docs/security.md), before graphql-js validation and every other walk: fields an
   * operation selects once its fragments are expanded, fragment definitions, and fragment spreads written.
   */
  OPERATION_MAX_EXPANDED_FIELDS: z.coerce.number().int().min(10).max(1_000_000).default(3_000),
  OPERATION_MAX_FRAGMENTS: z.coerce.number().int().min(0).max(10_000).default(100),
  OPERATION_MAX_FRAGMENT_SPREADS: z.coerce.number().int().min(0).max(100_000).default(500),
  /** Resilience towards subgraphs (docs/router.md): retries of query fetches, circuit breaker per subgraph. */
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  SUBGRAPH_RETRY_BASE_DELAY_MS: z.coerce.number().int().min(1).max(5_000).default(50),
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** On SIGTERM: how long in-flight HTTP requests may take to finish before their connections are closed. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(9_000).default(8_000),
  /** Trusted documents (docs/router.md): `off`, `log` (unknown operations counted and logged) or `strict`. */
  TRUSTED_DOCUMENTS: z.enum(["off", "log", "strict"]).default("off"),
  TRUSTED_DOCUMENTS_PATH: z.string().min(1).default("schema/trusted-documents.json"),
  /** Automatic persisted queries (APQ): documents registered by hash, kept in the shared store this long. */
  APQ_ENABLED: booleanFlag,
  APQ_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
  /** Subscriptions over graphql-ws on /graphql (docs/realtime.md, docs/router.md). */
  SUBSCRIPTIONS_ENABLED: booleanFlag,
  SUBSCRIPTION_MAX_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(20),
  /** Per user, on this router replica. */
  SUBSCRIPTION_MAX_PER_USER: z.coerce.number().int().min(1).max(100_000).default(100),
  /** New WebSocket connections per client IP per minute (shared store: across replicas). */
  SUBSCRIPTION_CONNECTIONS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** How long a socket may take to send connection_init (authentication) before it is closed (4408). */
  SUBSCRIPTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Ping interval; a client that misses a pong for as long is dropped. */
  SUBSCRIPTION_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
  /** A socket with no subscription for this long is closed (4408 idle). */
  SUBSCRIPTION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  /**
   * Backpressure: bytes queued in a socket, and events queued per subscription, beyond which it is closed (4008).
   * The events (and an HTTP stream's bytes) may pass it for a burst: above it for 2 s, or above 4× (hard cap),
   * the subscriber is dropped (router/src/subscriptions/backlog.ts).
   */
  SUBSCRIPTION_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1_024).default(1_048_576),
  SUBSCRIPTION_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).max(100_000).default(100),
  /**
   * A live connection is closed with 4410 (retryable: reconnect with a refreshed token) this long before its
   * access token expires (docs/realtime.md#token-refresh).
   */
  SUBSCRIPTION_REAUTHENTICATE_LEAD_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** HTTP multipart subscriptions: an empty part (`{}`) this often keeps proxies and clients from timing out. */
  SUBSCRIPTION_HEARTBEAT_MS: z.coerce.number().int().min(1_000).max(300_000).default(5_000),
  /** How often live sockets' sessions are checked against the revocation set (one batched pass). */
  SUBSCRIPTION_REVOCATION_CHECK_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  /** Distinct operation texts whose parse is kept (router/src/document-cache.ts, LRU per process). */
  ROUTER_DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(5_000),
  /** Verified access tokens remembered until their expiry (router/src/auth.ts, LRU per process; 0 = off). */
  ROUTER_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  /** Identical concurrent queries of one identity share one execution (router/src/inflight.ts): on unless `false`. */
  ROUTER_DEDUPLICATE_READS: booleanFlag,
  /** Executor of queries and mutations: the router's engine (router/src/engine), or `apollo` (stock, diagnosis only). */
  ROUTER_ENGINE: z.enum(["engine", "apollo"]).default("engine"),
});

export type RouterConfig = z.infer<typeof routerConfigSchema>;

/**
 * SUBGRAPH_<NAME>_URL overrides, keyed by subgraph name as it appears in the supergraph. Besides the six
 * named in the schema, any SUBGRAPH_<NAME>_URL in the environment counts (the router serves any supergraph,
 * e.g. the public benchmark one in bench/federation); a malformed one stops the start with its name.
 */
export function subgraphUrlOverrides(config: RouterConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (!match?.[1] || !value || key in routerConfigSchema.shape) continue;
    if (!httpUrl.safeParse(value).success) throw new Error(`${key} is invalid: must be an http(s) URL`);
    overrides[match[1].toLowerCase()] = value;
  }
  for (const [key, value] of Object.entries(config)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match?.[1] && typeof value === "string") overrides[match[1].toLowerCase()] = value;
  }
  return overrides;
}
