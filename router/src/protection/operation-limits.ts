// Operation limits checked on the document before Apollo Server validates or plans it: document size, tokens,
// depth (fragments expanded), aliases, root fields, directives. The error names the limit and its maximum,
// never the document or its variables. Results are cached per document text (bounded LRU), and the parse is
// the router's shared one (document-cache.ts), reused by the cost estimate and the auth rate limits.
import { Kind, type DefinitionNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import { LruCache, documentCache } from "../document-cache.js";

export interface OperationLimits {
  maxBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectives: number;
}

export interface LimitViolation {
  limit: "size" | "tokens" | "depth" | "aliases" | "rootFields" | "directives";
  max: number;
  message: string;
}

const CACHE_LIMIT = 5_000;

function depthOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>, cap: number): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) depth = selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, seen, cap) : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) depth = depthOf(selection.selectionSet, fragments, seen, cap);
    else {
      const fragment = fragments.get(selection.name.value);
      // A fragment cycle is invalid GraphQL (validation refuses it); here it just stops the walk.
      if (fragment && !seen.has(fragment.name.value)) {
        seen.add(fragment.name.value);
        depth = depthOf(fragment.selectionSet, fragments, seen, cap);
        seen.delete(fragment.name.value);
      }
    }
    deepest = Math.max(deepest, depth);
    if (deepest > cap) return deepest;
  }
  return deepest;
}

function rootFieldCount(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count++;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value)) {
        seen.add(fragment.name.value);
        count += rootFieldCount(fragment.selectionSet, fragments, seen);
      }
    }
  }
  return count;
}

/** Counts aliases and directives over the whole document (each definition once). */
function countNodes(definitions: readonly DefinitionNode[]): { aliases: number; directives: number } {
  let aliases = 0;
  let directives = 0;
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.kind === Kind.FIELD && record.alias) aliases++;
    if (record.kind === Kind.DIRECTIVE) directives++;
    for (const [key, value] of Object.entries(record)) if (key !== "loc" && typeof value === "object") walk(value);
  };
  walk(definitions);
  return { aliases, directives };
}

export class OperationLimiter {
  private readonly cache = new LruCache<string, LimitViolation | null>(CACHE_LIMIT);

  constructor(private readonly limits: OperationLimits) {}

  /** The first limit the document exceeds, or null. A document that does not parse is left to Apollo. */
  check(query: string): LimitViolation | null {
    const cached = this.cache.get(query);
    if (cached !== undefined) return cached;
    const violation = this.evaluate(query);
    this.cache.set(query, violation);
    return violation;
  }

  private evaluate(query: string): LimitViolation | null {
    const { limits } = this;
    const bytes = Buffer.byteLength(query, "utf8");
    if (bytes > limits.maxBytes) return { limit: "size", max: limits.maxBytes, message: `Operation is larger than ${limits.maxBytes} bytes` };
    const parsed = documentCache.parse(query, limits.maxTokens);
    if (parsed.kind === "tooManyTokens") return { limit: "tokens", max: limits.maxTokens, message: `Operation has more than ${limits.maxTokens} tokens` };
    if (parsed.kind === "syntaxError") return null;
    const { document } = parsed;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const depth = depthOf(definition.selectionSet, fragments, new Set(), limits.maxDepth);
      if (depth > limits.maxDepth) return { limit: "depth", max: limits.maxDepth, message: `Operation is deeper than ${limits.maxDepth} levels` };
      const roots = rootFieldCount(definition.selectionSet, fragments, new Set());
      if (roots > limits.maxRootFields) {
        return { limit: "rootFields", max: limits.maxRootFields, message: `Operation selects more than ${limits.maxRootFields} root fields` };
      }
    }
    const { aliases, directives } = countNodes(document.definitions);
    if (aliases > limits.maxAliases) return { limit: "aliases", max: limits.maxAliases, message: `Operation uses more than ${limits.maxAliases} aliases` };
    if (directives > limits.maxDirectives) {
      return { limit: "directives", max: limits.maxDirectives, message: `Operation uses more than ${limits.maxDirectives} directives` };
    }
    return null;
  }
}
