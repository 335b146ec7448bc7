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
