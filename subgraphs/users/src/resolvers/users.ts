import { requireRole } from "#kernel/authz.js";
import { badUserInput } from "#kernel/errors.js";
import { isUuid } from "#kernel/batch.js";
import type { Prisma } from "#kernel/generated/prisma/client.js";
import type { QueryResolvers } from "../generated/resolvers-types.js";

const MAX_PAGE = 100;
const encodeCursor = (id: string) => Buffer.from(`user:${id}`).toString("base64url");
function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = decoded.startsWith("user:") ? decoded.slice(5) : "";
  if (!isUuid(id)) throw badUserInput("`after` is not a cursor of this list", { field: "after" });
  return id;
}

/**
 * Prisma's `contains` becomes `LIKE '%' || value || '%'` without escaping, so `_` and `%` in the search text
 * would be wildcards (`_` matches every email). Escaped with Postgres's default LIKE escape, the backslash.
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Staff search, in id order (stable under inserts), as a Relay connection. */
export const users: QueryResolvers["users"] = async (_parent, { filter, first, after }, { caller, db }) => {
  requireRole(caller, ["TELLER", "ADMIN", "AUDITOR"]);
  const size = first ?? 20;
  if (size < 0 || size > MAX_PAGE) throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE}`, { field: "first" });
  const where: Prisma.UserWhereInput = {
    ...(filter?.role ? { role: filter.role } : {}),
    ...(filter?.status ? { status: filter.status } : {}),
    ...(filter?.emailContains ? { email: { contains: escapeLikePattern(filter.emailContains.trim().toLowerCase()) } } : {}),
    ...(after ? { id: { gt: decodeCursor(after) } } : {}),
  };
  const rows = await db.user.findMany({ where, orderBy: { id: "asc" }, take: size + 1 });
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
};
