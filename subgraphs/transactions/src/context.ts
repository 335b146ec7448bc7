import type { RequestBase } from "#kernel/subgraph-server.js";
import type { LedgerDb } from "./db.js";
import type { LedgerPool } from "./ledger-sql.js";
import type { LedgerLoaders } from "./loaders.js";
import type { NumberLookupLimiter } from "./number-lookups.js";

export interface TransactionsContext extends RequestBase {
  db: LedgerDb;
  /** The pool money movements are sent on: one SQL function call each (ledger-sql.ts). */
  pool: LedgerPool;
  loaders: LedgerLoaders;
  /** Limits customers' look-ups of other people's accounts by number (number-lookups.ts). */
  numberLookups?: NumberLookupLimiter;
  /** Lifetime of new holds, in seconds (HOLD_TTL_SECONDS). */
  holdTtlSeconds: number;
}
