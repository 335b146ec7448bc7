// Operation limits checked on the document before graphql-js validates it or anything plans it: document size,
// tokens, then the expansion pre-check (fragment definitions, fragment spreads, and the number of fields the
// operation selects once every fragment is expanded), then depth (fragments expanded), aliases, root fields,
// directives. The error names the limit and its maximum, never the document or its variables. Results are
// cached per document text (bounded LRU), and the parse is the router's shared one (document-cache.ts),
// reused by the cost estimate and the auth rate limits.
//
// Linear time: every walk here visits each fragment definition once and remembers its result, never once per
// spread. A document of 11 fragments each spreading the next four times (4^11 expanded selections) costs 55
// selection visits here and is refused by `expandedFields` before graphql-js (whose overlapping-fields rule is
// super-linear on such documents) or any other walk sees it (docs/security.md).
import { Kind, type DefinitionNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import { LruCache, documentCache } from "../document-cache.js";

export interface OperationLimits {
  maxBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectives: number;
  /** Fields selected after every fragment is expanded (the expansion pre-check); default 3 000. */
  maxExpandedFields?: number;
  /** Fragment definitions in the document; default 100. */
  maxFragments?: number;
  /** Fragment spreads written in the document; default 500. */
  maxFragmentSpreads?: number;
}

export const DEFAULT_EXPANSION_LIMITS = { maxExpandedFields: 3_000, maxFragments: 100, maxFragmentSpreads: 500 } as const;

export interface LimitViolation {
  limit: "size" | "tokens" | "fragments" | "fragmentSpreads" | "expandedFields" | "depth" | "aliases" | "rootFields" | "directives";
  max: number;
  message: string;
}

const CACHE_LIMIT = 5_000;

/**
 * The expansion pre-check: how many fields each operation selects once fragments are expanded, counted with
 * one memoised size per fragment (a cycle, invalid GraphQL left to validation, counts 0 on its back edge).
 * Sizes saturate just above `cap`, so a bomb's arithmetic stays small. Also counts the spreads written.
 */
export function expansionOf(
  definitions: readonly DefinitionNode[],
  fragments: Map<string, FragmentDefinitionNode>,
  cap: number,
): { expandedFields: number; fragmentSpreads: number } {
  const sizes = new Map<string, number>();
  const inProgress = new Set<string>();
  let fragmentSpreads = 0;
  const sizeOf = (selectionSet: SelectionSetNode): number => {
    let size = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) size += 1 + (selection.selectionSet ? sizeOf(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) size += sizeOf(selection.selectionSet);
      else size += fragmentSize(selection.name.value);
      if (size > cap) return cap + 1;
    }
    return size;
  };
  const fragmentSize = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const size = sizeOf(fragment.selectionSet);
    inProgress.delete(name);
    sizes.set(name, size);
    return size;
  };
  const countSpreads = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) fragmentSpreads++;
      else if (selection.selectionSet) countSpreads(selection.selectionSet);
    }
  };
  let expandedFields = 0;
  for (const definition of definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) expandedFields = Math.max(expandedFields, sizeOf(definition.selectionSet));
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) countSpreads(definition.selectionSet);
  }
  return { expandedFields, fragmentSpreads };
}

/** Field nesting with fragments expanded; each fragment's depth computed once (`memo`, shared per document). */
function depthOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, memo: Map<string, number>, inProgress: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) depth = selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, memo, inProgress) : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) depth = depthOf(selection.selectionSet, fragments, memo, inProgress);
    else {
      const name = selection.name.value;
      const known = memo.get(name);
      const fragment = fragments.get(name);
      if (known !== undefined) depth = known;
      // A fragment cycle is invalid GraphQL (validation refuses it); here it just stops the walk.
      else if (fragment && !inProgress.has(name)) {
        inProgress.add(name);
        depth = depthOf(fragment.selectionSet, fragments, memo, inProgress);
        inProgress.delete(name);
        memo.set(name, depth);
      }
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** Root fields, each fragment counted at its first spread only (GraphQL merges repeated spreads). */
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
    // The expansion pre-check first: everything after it may expand fragments.
    const maxFragments = limits.maxFragments ?? DEFAULT_EXPANSION_LIMITS.maxFragments;
    if (fragments.size > maxFragments) {
      return { limit: "fragments", max: maxFragments, message: `Operation defines more than ${maxFragments} fragments` };
    }
    const maxExpandedFields = limits.maxExpandedFields ?? DEFAULT_EXPANSION_LIMITS.maxExpandedFields;
    const maxFragmentSpreads = limits.maxFragmentSpreads ?? DEFAULT_EXPANSION_LIMITS.maxFragmentSpreads;
    const expansion = expansionOf(document.definitions, fragments, maxExpandedFields);
    if (expansion.fragmentSpreads > maxFragmentSpreads) {
      return { limit: "fragmentSpreads", max: maxFragmentSpreads, message: `Operation has more than ${maxFragmentSpreads} fragment spreads` };
    }
    if (expansion.expandedFields > maxExpandedFields) {
      return {
        limit: "expandedFields",
        max: maxExpandedFields,
        message: `Operation selects more than ${maxExpandedFields} fields once its fragments are expanded`,
      };
    }
    const depths = new Map<string, number>();
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const depth = depthOf(definition.selectionSet, fragments, depths, new Set());
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
