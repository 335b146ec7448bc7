import { z } from "zod";
import { port, subgraphBaseConfig } from "../../../kernel/config.js";

export const usersConfigSchema = subgraphBaseConfig
  .extend({
    USERS_PORT: port(4001),
    /** PKCS#8 PEM of the Ed25519 signing key, or a path to it in JWT_PRIVATE_KEY_FILE. */
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PRIVATE_KEY_FILE: z.string().optional(),
    JWT_ISSUER: z.string().min(1).default("fedbank-users"),
    JWT_AUDIENCE: z.string().min(1).default("fedbank"),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  })
  .superRefine((env, ctx) => {
    if (!env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_PRIVATE_KEY"],
        message: "set JWT_PRIVATE_KEY (PKCS#8 PEM) or JWT_PRIVATE_KEY_FILE (path to it)",
      });
    }
    // Checked even when other variables are bad, so one message names every problem.
  }, { when: () => true });

export type UsersConfig = z.infer<typeof usersConfigSchema>;
