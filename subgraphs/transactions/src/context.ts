import type { RequestBase } from "../../../kernel/subgraph-server.js";
import type { LedgerDb } from "./db.js";
import type { LedgerLoaders } from "./loaders.js";

export interface TransactionsContext extends RequestBase {
  db: LedgerDb;
  loaders: LedgerLoaders;
  /** Lifetime of new holds, in seconds (HOLD_TTL_SECONDS). */
  holdTtlSeconds: number;
}
