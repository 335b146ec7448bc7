// Pure helpers behind the playground's table and chart views (bundled into the browser by esbuild and
// unit-tested in Node): find the lists of objects in a GraphQL result, flatten each row into columns,
// write CSV, and pick the columns that hold numbers (Int/Float, or the decimal strings money uses).

export interface ResultList {
  /** Dotted path from `data`, list indexes of enclosing lists as numbers: `me.accounts`, `kpis.currencies`. */
  path: string;
  rows: Record<string, unknown>[];
}

export interface Table {
  columns: string[];
  rows: string[][];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every non-empty list of objects in `data`, outermost first (a list inside a list's first row included). */
export function findLists(data: unknown, path: string[] = [], found: ResultList[] = []): ResultList[] {
  if (Array.isArray(data)) {
    const rows = data.filter(isRecord);
    if (rows.length > 0 && rows.length === data.length) found.push({ path: path.join("."), rows });
    // Nested lists of the first row stand for their siblings' (same selection).
    if (rows[0]) findLists(rows[0], [...path, "0"], found);
    return found;
  }
  if (isRecord(data)) {
    for (const [key, value] of Object.entries(data)) findLists(value, [...path, key], found);
  }
  return found;
}

/** Flattens a row: nested objects become dotted columns, lists are summarised (`[3 items]`). */
function flatten(row: Record<string, unknown>, prefix = "", into: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(row)) {
    const column = prefix ? `${prefix}.${key}` : key;
    if (isRecord(value)) flatten(value, column, into);
    else if (Array.isArray(value)) into[column] = `[${value.length} item${value.length === 1 ? "" : "s"}]`;
    else into[column] = value === null || value === undefined ? "" : String(value);
  }
  return into;
}

export function tableOf(list: ResultList): Table {
  const flat = list.rows.map((row) => flatten(row));
  const columns: string[] = [];
  for (const row of flat) for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  return { columns, rows: flat.map((row) => columns.map((column) => row[column] ?? "")) };
}

function csvCell(value: string): string {
  // Spreadsheets run cells starting with = + - @ as formulas: quote them as text (as the statement CSV does).
  const safe = /^[=+\-@]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV (CRLF line ends), header row first. */
export function toCsv(table: Table): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Columns whose every non-empty cell is a number (money amounts are decimal strings). */
export function numericColumns(table: Table): string[] {
  return table.columns.filter((_, index) => {
    const cells = table.rows.map((row) => row[index] ?? "").filter((cell) => cell !== "");
    return cells.length > 0 && cells.every((cell) => NUMBER.test(cell));
  });
}

/** The first column that is not numeric: what names each bar of a chart. */
export function labelColumn(table: Table): string | undefined {
  const numeric = new Set(numericColumns(table));
  return table.columns.find((column) => !numeric.has(column));
}
