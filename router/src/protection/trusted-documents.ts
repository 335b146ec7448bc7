// Persisted documents at the router: the trusted-documents manifest (operations known at build time,
// `npm run trusted-documents`) and automatic persisted queries (APQ, registered by clients at run time).
// Both are resolved to the operation text before the operation limits, the cost estimate and the rate
// limits run, so a request that names its operation by hash is checked exactly like one that sends it.
// TRUSTED_DOCUMENTS: `off` nothing checked; `log` unknown operations run but are counted and logged by
// hash; `strict` only operations of the manifest run (by hash alone, or by full text whose hash is listed).
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { Logger } from "#kernel/logger.js";
import type { SharedStore } from "#kernel/shared-store.js";

export type TrustedDocumentsMode = "off" | "log" | "strict";

/** Apollo's persisted-query manifest shape (what `npm run trusted-documents` writes). */
export interface PersistedQueryManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: { id: string; name: string; type: "query" | "mutation" | "subscription"; body: string }[];
}

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

export function parseManifest(json: string): Map<string, string> {
  const manifest = JSON.parse(json) as PersistedQueryManifest;
  if (manifest.format !== "apollo-persisted-query-manifest" || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new Error("not an apollo-persisted-query-manifest, version 1");
  }
  const byHash = new Map<string, string>();
  for (const operation of manifest.operations) {
    // The id is what clients send; it must be the body's hash, or the two ways of asking would disagree.
    if (operation.id !== sha256Hex(operation.body)) throw new Error(`operation ${operation.name}: id is not the sha256 of its body`);
    byHash.set(operation.id, operation.body);
  }
  return byHash;
}

export type TrustDecision = { trusted: true } | { trusted: false; hash: string; refuse: boolean };

export class TrustedDocuments {
  private constructor(
    readonly mode: TrustedDocumentsMode,
    private readonly byHash: Map<string, string>,
  ) {}

  /** Reads the manifest; `strict` refuses to start without one, `log` starts with an empty one and says so. */
  static async load(mode: TrustedDocumentsMode, path: string, logger: Logger): Promise<TrustedDocuments> {
    if (mode === "off") return new TrustedDocuments(mode, new Map());
    let json: string;
    try {
      json = await readFile(path, "utf8");
    } catch (error) {
      if (mode === "strict") throw new Error(`TRUSTED_DOCUMENTS=strict but the manifest ${path} cannot be read: ${(error as Error).message}`);
      logger.warn({ path }, "trusted-documents manifest not found: every operation will be logged as unknown");
      return new TrustedDocuments(mode, new Map());
    }
    const byHash = parseManifest(json);
    logger.info({ path, mode, operations: byHash.size }, "trusted documents loaded");
    return new TrustedDocuments(mode, byHash);
  }

  /** The manifest's operation for a hash (lower-case hex), when the manifest is in use. */
  lookup(hash: string): string | undefined {
    return this.byHash.get(hash.toLowerCase());
  }

  check(query: string): TrustDecision {
    if (this.mode === "off") return { trusted: true };
    const hash = sha256Hex(query);
    if (this.byHash.has(hash)) return { trusted: true };
    return { trusted: false, hash, refuse: this.mode === "strict" };
  }
}

/**
 * Apollo Server's APQ cache on the shared store, so a document registered through one router replica is
 * found by all (Redis when REDIS_URL is set). A store failure is a cache miss: the client sends the full
 * text again, as the APQ protocol expects; nothing fails because of it.
 */
export function sharedApqCache(store: SharedStore, defaultTtlSeconds: number, logger: Logger, timeoutMs = 250): KeyValueCache<string> {
  return {
    async get(key) {
      try {
        // A disconnected Redis client queues commands until it reconnects: do not wait for that.
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("APQ cache timeout")), timeoutMs).unref());
        return (await Promise.race([store.getMany([`persisted:${key}`]), timeout]))[0] ?? undefined;
      } catch (error) {
        logger.warn({ err: error }, "APQ cache unavailable: treated as a miss");
        return undefined;
      }
    },
    async set(key, value, options) {
      try {
        await store.set(`persisted:${key}`, value, options?.ttl ?? defaultTtlSeconds);
      } catch (error) {
        logger.warn({ err: error }, "APQ cache unavailable: document not registered");
      }
    },
    async delete(key) {
      try {
        await store.delete(`persisted:${key}`);
      } catch {
        // a later set overwrites it anyway
      }
    },
  };
}

/** The cache key Apollo Server uses for an APQ hash (it prefixes the cache it is given with `apq:`). */
export const apqCacheKey = (hash: string) => `apq:${hash}`;

/** The `extensions.persistedQuery.sha256Hash` of a request (POST body, or GET's parsed `extensions`), if well-formed. */
export function persistedQueryHash(fields: Record<string, unknown>): string | undefined {
  const extensions = fields.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
  const hash = extensions && typeof extensions === "object" ? extensions.persistedQuery?.sha256Hash : undefined;
  return typeof hash === "string" && /^[0-9a-f]{64}$/i.test(hash) ? hash.toLowerCase() : undefined;
}
