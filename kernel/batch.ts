// Building blocks for per-request DataLoaders: batch functions return results in key order, null (or an
// empty list) for missing keys, and never send malformed ids to Postgres.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The distinct well-formed UUIDs among the keys, in the lower case Postgres returns them in. */
function uniqueUuids(keys: readonly string[]): string[] {
  return [...new Set(keys.filter(isUuid).map((key) => key.toLowerCase()))];
}

/** Loads rows by id with one query and answers in key order. */
export async function loadByIds<Row>(
  keys: readonly string[],
  fetch: (ids: string[]) => Promise<Row[]>,
  idOf: (row: Row) => string,
): Promise<(Row | null)[]> {
  const ids = uniqueUuids(keys);
  const rows = ids.length ? await fetch(ids) : [];
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return keys.map((key) => byId.get(key.toLowerCase()) ?? null);
}

/** Loads rows grouped by a parent id with one query and answers in key order. */
export async function loadGroupedByIds<Row>(
  keys: readonly string[],
  fetch: (ids: string[]) => Promise<Row[]>,
  groupOf: (row: Row) => string,
): Promise<Row[][]> {
  const ids = uniqueUuids(keys);
  const rows = ids.length ? await fetch(ids) : [];
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const group = groups.get(groupOf(row));
    if (group) group.push(row);
    else groups.set(groupOf(row), [row]);
  }
  return keys.map((key) => groups.get(key.toLowerCase()) ?? []);
}
