import type { RequestBase } from "#kernel/subgraph-server.js";
import type { AuditDb } from "./db.js";
import type { AuditSigningKey } from "./digest.js";
import type { AuditLoaders } from "./loaders.js";

export interface AuditContext extends RequestBase {
  db: AuditDb;
  loaders: AuditLoaders;
  /** Signs auditDigest. */
  signingKey: AuditSigningKey;
}
