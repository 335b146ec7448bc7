import type { RequestBase } from "#kernel/subgraph-server.js";
import type { AccountsDb } from "./db.js";
import type { LedgerClient } from "./ledger-client.js";
import type { AccountLoaders } from "./loaders.js";

export interface AccountsContext extends RequestBase {
  db: AccountsDb;
  loaders: AccountLoaders;
  /** The ledger's internal account-state mutations, called on the current caller's behalf. */
  ledger: LedgerClient;
}
