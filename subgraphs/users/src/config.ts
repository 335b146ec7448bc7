import { z } from "zod";
import { httpUrl, port, redisUrl, subgraphBaseConfig } from "#kernel/config.js";
import { eventsConfigShape } from "#kernel/events/config.js";

export const usersConfigSchema = subgraphBaseConfig
  .extend({
    USERS_PORT: port(4001),
    /** Outbox relay of the users domain (docs/events.md); REDIS_URL below is its transport too. */
    ...eventsConfigShape,
    /** PKCS#8 PEM of the Ed25519 key that signs new tokens, or a path to it in JWT_PRIVATE_KEY_FILE. */
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PRIVATE_KEY_FILE: z.string().optional(),
    /** Key rotation, step 1: the next key, published in the JWKS but not used for signing yet. */
    JWT_NEXT_PRIVATE_KEY: z.string().optional(),
    JWT_NEXT_PRIVATE_KEY_FILE: z.string().optional(),
    /** Key rotation, step 2: the key signing used before, still published until its tokens have expired. */
    JWT_PREVIOUS_PRIVATE_KEY: z.string().optional(),
    JWT_PREVIOUS_PRIVATE_KEY_FILE: z.string().optional(),
    JWT_ISSUER: z.string().min(1).default("fedbank-users"),
    JWT_AUDIENCE: z.string().min(1).default("fedbank"),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86_400).default(30 * 86_400),
    /** Shared state (session revocation, login throttling). Without it: the process-wide in-memory store. */
    REDIS_URL: redisUrl.optional(),
    REDIS_KEY_PREFIX: z.string().default("fedbank:"),
    /** Encrypts TOTP secrets at rest. Required in production; derived from ROUTER_IDENTITY_SECRET otherwise. */
    MFA_ENCRYPTION_KEY: z.string().min(32, { message: "must be at least 32 characters long" }).optional(),
    /**
     * Brute force (docs/security.md): failed password/code checks tolerated per (account, client address) and
     * per client address within the window before that address is stopped for LOGIN_LOCKOUT_SECONDS.
     */
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: z.coerce.number().int().min(1).max(1000).default(5),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
    LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
    LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Per account, never a lock: after this many failures each attempt waits, doubling from the base delay. */
    LOGIN_ACCOUNT_DELAY_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(3),
    LOGIN_ACCOUNT_DELAY_BASE_MS: z.coerce.number().int().min(0).max(10_000).default(250),
    LOGIN_ACCOUNT_DELAY_MAX_MS: z.coerce.number().int().min(0).max(10_000).default(4_000),
    /** The owner is notified when the account's failures (from every address) reach this count. */
    LOGIN_ALERT_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    /** Step-up: a password login this recent stands in for the current password. */
    STEP_UP_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
    /** Wrong passwords/codes given by one signed-in session before that session is revoked. */
    STEP_UP_MAX_FAILURES_PER_SESSION: z.coerce.number().int().min(1).max(100).default(3),
    COMMON_PASSWORDS_FILE: z.string().optional(),
    /** Other subgraphs read for the GDPR export; a missing one is reported in the export. */
    SUBGRAPH_ACCOUNTS_URL: httpUrl.optional(),
    SUBGRAPH_TRANSACTIONS_URL: httpUrl.optional(),
    SUBGRAPH_NOTIFICATIONS_URL: httpUrl.optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_PRIVATE_KEY"],
        message: "set JWT_PRIVATE_KEY (PKCS#8 PEM) or JWT_PRIVATE_KEY_FILE (path to it)",
      });
    }
    if (env.NODE_ENV === "production" && !env.MFA_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["MFA_ENCRYPTION_KEY"],
        message: "must be set in production (at least 32 random characters; encrypts TOTP secrets at rest)",
      });
    }
    // Checked even when other variables are bad, so one message names every problem.
  }, { when: () => true });

export type UsersConfig = z.infer<typeof usersConfigSchema>;
