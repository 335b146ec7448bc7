import type { RequestBase } from "../../../kernel/subgraph-server.js";
import type { AccountsDb } from "./db.js";
import type { AccountLoaders } from "./loaders.js";

export interface AccountsContext extends RequestBase {
  db: AccountsDb;
  loaders: AccountLoaders;
}
