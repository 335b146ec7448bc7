// A statement as CSV (RFC 4180): comma-separated, CRLF line ends, fields quoted when they hold a comma,
// quote or line break, quotes doubled. Text cells that a spreadsheet would run as a formula (starting with
// = + - @, tab or carriage return) get a leading apostrophe; amounts are written as numbers, untouched.
import { formatAmount } from "#domain/money.js";
import type { AccountStatementView } from "./mappers.js";

export const STATEMENT_CSV_HEADER = ["row", "posted_at", "transaction_id", "kind", "reference", "amount", "balance_after", "currency"] as const;

type Cell = { text: string } | { number: string };

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(cell: Cell): string {
  const raw = "text" in cell ? (FORMULA_START.test(cell.text) ? `'${cell.text}` : cell.text) : cell.number;
  return /[",\r\n]/.test(raw) ? `"${raw.replaceAll('"', '""')}"` : raw;
}

const text = (value: string | null): Cell => ({ text: value ?? "" });
const number = (value: string): Cell => ({ number: value });

export function statementCsv(statement: AccountStatementView): string {
  const { currency } = statement;
  const amount = (minor: bigint) => number(formatAmount(minor, currency));
  const rows: Cell[][] = [
    STATEMENT_CSV_HEADER.map((name) => text(name)),
    [text("OPENING"), text(statement.from.toISOString()), text(""), text(""), text(""), text(""), amount(statement.openingBalanceMinor), text(currency)],
    ...statement.entries.map((entry) => [
      text("ENTRY"),
      text(entry.postedAt.toISOString()),
      text(entry.transactionId),
      text(entry.kind),
      text(entry.reference),
      amount(entry.amountMinor),
      amount(entry.balanceAfterMinor),
      text(currency),
    ]),
    [text("CLOSING"), text(statement.to.toISOString()), text(""), text(""), text(""), text(""), amount(statement.closingBalanceMinor), text(currency)],
  ];
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
