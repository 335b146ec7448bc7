import { badUserInput } from "#kernel/errors.js";

/** Cursors are opaque to clients: base64url of the posting's sequence number (stable forever). */
export function encodePostingCursor(postingId: bigint): string {
  return Buffer.from(`p:${postingId}`).toString("base64url");
}

export function decodePostingCursor(cursor: string, argument = "after"): bigint {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^p:(\d{1,19})$/.exec(decoded);
  if (!match?.[1]) throw badUserInput("Invalid cursor", { argument });
  return BigInt(match[1]);
}

export const MAX_PAGE_SIZE = 100;

export function checkPageSize(size: number, argument = "first"): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`${argument} must be between 1 and ${MAX_PAGE_SIZE}`, { argument });
  }
  return size;
}

export interface PageRequest {
  /** "older": newest-first pages going back in time (first/after); "newer": last/before. */
  direction: "older" | "newer";
  size: number;
  cursor: bigint | null;
}

/** Relay arguments to one page request: `first`/`after` forward (default first 20), or `last`/`before`. */
export function pageRequest(args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }): PageRequest {
  const forward = args.first != null || args.after != null;
  const backward = args.last != null || args.before != null;
  if (forward && backward) throw badUserInput("Use first/after or last/before, not both", { argument: "last" });
  if (backward) {
    return {
      direction: "newer",
      size: checkPageSize(args.last ?? 20, "last"),
      cursor: args.before ? decodePostingCursor(args.before, "before") : null,
    };
  }
  return {
    direction: "older",
    size: checkPageSize(args.first ?? 20, "first"),
    cursor: args.after ? decodePostingCursor(args.after, "after") : null,
  };
}
