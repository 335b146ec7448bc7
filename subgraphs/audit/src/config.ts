import { z } from "zod";
import { port, subgraphBaseConfig } from "#kernel/config.js";
import { eventsRuntimeConfigShape } from "#kernel/events/runtime.js";

export const auditConfigSchema = subgraphBaseConfig
  .extend({
    AUDIT_PORT: port(4005),
    /** Consumers (group "audit") of every stream: users, accounts, ledger, notifications, reporting, router. */
    ...eventsRuntimeConfigShape,
    /**
     * PKCS#8 PEM of the Ed25519 key that signs `auditDigest`, or a path to it in AUDIT_SIGNING_KEY_FILE.
     * Required in production; elsewhere a development key is generated under DATA_DIR/secrets.
     */
    AUDIT_SIGNING_KEY: z.string().optional(),
    AUDIT_SIGNING_KEY_FILE: z.string().optional(),
    /** Where the development key is kept when no key is configured (not in production). */
    DATA_DIR: z.string().optional(),
    /** Seconds between full verifications of the chain (sets fedbank_audit_chain_valid); 0 turns them off. */
    AUDIT_VERIFY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    /** AUDIT_CONSUMERS_ENABLED=false: an API-only replica (the consumers run in another one). */
    AUDIT_CONSUMERS_ENABLED: z
      .enum(["true", "false", "1", "0"])
      .transform((value) => value === "true" || value === "1")
      .default(true),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.AUDIT_SIGNING_KEY && !env.AUDIT_SIGNING_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["AUDIT_SIGNING_KEY"],
        message: "must be set in production: AUDIT_SIGNING_KEY (Ed25519 PKCS#8 PEM) or AUDIT_SIGNING_KEY_FILE (path to it)",
      });
    }
  }, { when: () => true });

export type AuditConfig = z.infer<typeof auditConfigSchema>;
