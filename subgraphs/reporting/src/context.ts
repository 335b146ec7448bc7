import type { RequestBase } from "../../../kernel/subgraph-server.js";
import type { LedgerClient } from "./ledger-client.js";

export interface ReportingContext extends RequestBase {
  ledger: LedgerClient;
}
