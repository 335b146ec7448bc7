// How every process starts and stops: one place for signal handling and shutdown order.
import type { Logger } from "./logger.js";

export interface Stoppable {
  stop(): Promise<void>;
}

/** Stops the given parts in reverse start order on SIGINT/SIGTERM, then exits. */
export function stopOnSignals(log: Logger, parts: () => Stoppable[], timeoutMs = 10_000) {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const part of [...parts()].reverse()) {
      await part.stop().catch((error: unknown) => log.error({ err: error }, "error while stopping"));
    }
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

/** Reads a subgraph's SDL that sits beside its src/ folder. */
export async function readSchemaFile(metaUrl: string, relative = "../schema.graphql"): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(new URL(relative, metaUrl), "utf8");
}

/**
 * A start-up failure the operator can act on: printed as one line (no stack) by `exitOnStartupError`.
 * `variable` names the setting to change.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/** What a socket error code means to an operator, in a few words. */
function describeNetworkError(error: unknown): string {
  const code = typeof error === "object" && error && "code" in error ? String((error as { code: unknown }).code) : "";
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is it running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ETIMEDOUT":
    case "TIMEOUT":
      return "no answer in time";
    case "ECONNRESET":
      return "connection reset";
    case "28P01":
    case "28000":
      return "authentication failed";
    case "3D000":
      return "database does not exist";
    default:
      return code || (error instanceof Error ? error.message.split("\n")[0]!.slice(0, 200) : "unreachable");
  }
}

/** `host:port` of a URL, without credentials (never print a password). */
export function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname && parsed.pathname !== "/" ? parsed.pathname : ""}`;
  } catch {
    return "(unparseable URL)";
  }
}

/** Fails with a StartupError naming the service and its variable when a port cannot be bound. */
export async function assertPortsFree(ports: { service: string; variable: string; port: number; host?: string }[]): Promise<void> {
  const { createServer } = await import("node:net");
  for (const { service, variable, port, host } of ports) {
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EADDRINUSE") {
          reject(new StartupError(`port ${port} is already in use: ${service} cannot listen there; stop what uses it or set ${variable} to a free port`));
        } else if (error.code === "EACCES") {
          reject(new StartupError(`port ${port} needs privileges: ${service} cannot listen there; set ${variable} to a port above 1023`));
        } else {
          reject(new StartupError(`${service} cannot listen on port ${port} (${variable}): ${error.code ?? error.message}`));
        }
      });
      probe.listen(port, host ?? "0.0.0.0", () => probe.close(() => resolve()));
    });
  }
}

/** A listen failure of a named service as a StartupError (port in use: which service, which variable). */
export function listenError(error: unknown, service: string, variable: string): unknown {
  const code = typeof error === "object" && error && "code" in error ? (error as { code: unknown }).code : undefined;
  const port = typeof error === "object" && error && "port" in error ? (error as { port: unknown }).port : undefined;
  if (code === "EADDRINUSE") return new StartupError(`port ${port} is already in use: ${service} cannot listen there; stop what uses it or set ${variable} to a free port`);
  return error;
}

/** Connects once to Postgres (a few seconds at most); a StartupError says it is unreachable and why. */
export async function assertPostgresReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new StartupError(`Postgres is unreachable at ${endpointOf(url)} (DATABASE_URL): ${describeNetworkError(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Pings Redis once without retrying; a StartupError says it is unreachable (instead of waiting forever). */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  const { createClient } = await import("redis");
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on("error", () => undefined);
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "TIMEOUT" })), timeoutMs).unref()),
    ]);
  } catch (error) {
    throw new StartupError(`Redis is unreachable at ${endpointOf(url)} (REDIS_URL): ${describeNetworkError(error)}`);
  } finally {
    if (client.isOpen) await client.quit().catch(() => undefined);
  }
}

/** Ends the process on a start-up failure: StartupError as one line; anything else one line too (stack with LOG_LEVEL=debug). */
export function exitOnStartupError(error: unknown, prefix = "fedbank"): never {
  if (error instanceof StartupError) {
    process.stderr.write(`${prefix}: cannot start: ${error.message}\n`);
    process.exit(1);
  }
  const debug = process.env.LOG_LEVEL === "debug" || process.env.LOG_LEVEL === "trace";
  const message = error instanceof Error ? error.message.split("\n").find((line) => line.trim()) ?? error.name : String(error);
  process.stderr.write(`${prefix}: cannot start: ${message.trim()}${debug ? "" : " (LOG_LEVEL=debug shows the details)"}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

/**
 * A service started alone (its own main.ts, as in containers): stops on signals once started; a start-up
 * failure (port in use, database unreachable ...) ends the process with one line naming the service and,
 * for a busy port, its variable.
 */
export async function runAlone(service: string, portVariable: string, log: Logger, start: () => Promise<Stoppable>): Promise<void> {
  try {
    const running = await start();
    stopOnSignals(log, () => [running]);
  } catch (error) {
    exitOnStartupError(listenError(error, service, portVariable), service.replace(/^the /, ""));
  }
}
