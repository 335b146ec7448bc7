import type { RequestBase } from "#kernel/subgraph-server.js";
import type { ReportingDb } from "./db.js";
import type { LedgerClient } from "./ledger-client.js";

export interface ReportingContext extends RequestBase {
  ledger: LedgerClient;
  /** Reporting's own tables (schema `reporting`) only. */
  db: ReportingDb;
  sessionWindowMinutes: number;
  /** BANK_TIME_ZONE: where a statement month starts and ends. */
  bankTimeZone: string;
}
