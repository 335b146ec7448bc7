import { badUserInput } from "../../../kernel/errors.js";

/** Cursors are opaque to clients: base64url of the posting's sequence number. */
export function encodePostingCursor(postingId: bigint): string {
  return Buffer.from(`p:${postingId}`).toString("base64url");
}

export function decodePostingCursor(cursor: string): bigint {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^p:(\d{1,19})$/.exec(decoded);
  if (!match?.[1]) throw badUserInput("Invalid cursor", { argument: "after" });
  return BigInt(match[1]);
}

export const MAX_PAGE_SIZE = 100;

export function checkPageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: "first" });
  }
  return size;
}
