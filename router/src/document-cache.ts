// One parse per distinct operation text for the whole router: the operation limits, the root-field reader
// (auth rate limits) and the cost estimate all read the same cached DocumentNode, so a request whose text
// was seen before is not parsed again by any of them (Apollo Server keeps its own parsed+validated store).
// Bounded LRU (ROUTER_DOCUMENT_CACHE_SIZE entries per process, lru-cache): a flood of distinct documents
// evicts the least recently used ones instead of growing memory.
import { GraphQLError, parse, type DocumentNode } from "graphql";
import { LRUCache } from "lru-cache";

/**
 * A bounded map whose least recently used entry goes first: the `lru-cache` package behind the small
 * interface the router's caches use (any value, `null` included, is kept).
 */
export class LruCache<K extends {}, V> {
  private readonly entries: LRUCache<K, { value: V }>;

  constructor(readonly maxEntries: number) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get size() {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V) {
    this.entries.set(key, { value });
  }
}

export type ParseResult =
  /** Parsed within `maxTokens` (so within any larger cap; a smaller cap needs a new parse). */
  | { kind: "document"; document: DocumentNode; maxTokens: number }
  /** More tokens than the cap the parse ran with. */
  | { kind: "tooManyTokens"; maxTokens: number }
  | { kind: "syntaxError"; error: GraphQLError };

const TOKEN_LIMIT_ERROR = /more th[ae][nt] \d+ tokens/;

export class DocumentCache {
  private readonly documents: LruCache<string, ParseResult>;

  constructor(maxEntries: number) {
    this.documents = new LruCache(maxEntries);
  }

  /** The document of `query`, parsed with at most `maxTokens` tokens (once per text while it stays cached). */
  parse(query: string, maxTokens: number): ParseResult {
    const cached = this.documents.get(query);
    if (cached) {
      if (cached.kind === "syntaxError") return cached;
      // Parsed within a cap ≤ this one: within this one too. Refused at a cap ≥ this one: refused here too.
      if (cached.kind === "document" && cached.maxTokens <= maxTokens) return cached;
      if (cached.kind === "tooManyTokens" && maxTokens <= cached.maxTokens) return cached;
    }
    let result: ParseResult;
    try {
      result = { kind: "document", document: parse(query, { maxTokens }), maxTokens };
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      result = TOKEN_LIMIT_ERROR.test(error.message) ? { kind: "tooManyTokens", maxTokens } : { kind: "syntaxError", error };
    }
    // Keep what a cached document knows: a refusal at a smaller cap does not replace a document parsed at a larger one.
    if (!(cached?.kind === "document" && result.kind === "tooManyTokens")) this.documents.set(query, result);
    return result;
  }

  get size() {
    return this.documents.size;
  }
}

export const DEFAULT_DOCUMENT_CACHE_SIZE = 5_000;

/** The process's cache, shared by operation-limits.ts, root-fields.ts and cost.ts. */
export const documentCache = new DocumentCache(Number(process.env.ROUTER_DOCUMENT_CACHE_SIZE) || DEFAULT_DOCUMENT_CACHE_SIZE);
