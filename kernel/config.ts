// Configuration is read from the environment once, at start, and validated as a whole: a process with a
// bad or missing variable refuses to start and names every problem at once.
import { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // `VAR=` (empty) means unset, as in most shells' and orchestrators' conventions.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const received = env[String(issue.path[0])];
    const state = received === undefined || received === "" ? "is missing" : "is invalid";
    return `${name} ${state}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Parses the configuration or ends the process with a message that names each bad variable. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

const portNumber = z.coerce.number().int().min(1).max(65535);

export const port = (fallback: number) => portNumber.default(fallback);

export const postgresUrl = z
  .string({ error: "must be set to a postgres:// or postgresql:// URL" })
  .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
    message: "must be a postgres:// or postgresql:// URL naming a database",
  });

export const redisUrl = z.string().refine((value) => /^rediss?:\/\/.+/.test(value), {
  message: "must be a redis:// or rediss:// URL",
});

export const httpUrl = z.string().refine((value) => /^https?:\/\/.+/.test(value), {
  message: "must be an http:// or https:// URL",
});

export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info");

export const nodeEnv = z.enum(["development", "test", "production"]).default("development");

/** Shared secret for router-signed identities: at least 32 characters of entropy. */
export const identitySecret = z
  .string({ error: "must be set (at least 32 characters)" })
  .min(32, { message: "must be at least 32 characters long" });

/** OpenTelemetry tracing (kernel/tracing.ts, docs/operations.md): off unless enabled or an endpoint is set. */
export const tracingConfigFields = {
  TRACING_ENABLED: z
    .enum(["true", "false", "1", "0"])
    .transform((value) => value === "true" || value === "1")
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_SERVICE_NAMESPACE: z.string().min(1).default("fedbank"),
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  TRACING_EXPORT_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(5_000),
};

/** The tracing settings of a parsed configuration, as kernel/tracing.ts takes them. */
export function tracingSettings(config: {
  TRACING_ENABLED?: boolean | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_SERVICE_NAMESPACE?: string | undefined;
  TRACING_SAMPLE_RATIO?: number | undefined;
  TRACING_EXPORT_DELAY_MS?: number | undefined;
}) {
  return {
    enabled: config.TRACING_ENABLED,
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    tracesEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    namespace: config.OTEL_SERVICE_NAMESPACE,
    sampleRatio: config.TRACING_SAMPLE_RATIO,
    exportDelayMs: config.TRACING_EXPORT_DELAY_MS,
  };
}

/** Settings every subgraph reads. */
export const subgraphBaseConfig = z.object({
  ...tracingConfigFields,
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ROUTER_IDENTITY_SECRET: identitySecret,
});
