/**
 * CSV as Retain writes it (RFC 4180), for the CLI's files and the server's streamed answers alike.
 * Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
 * get a leading apostrophe, unless they are plain numbers: an exported name like "=HYPERLINK(…)"
 * must not run when the file is opened.
 */

function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (with its line break) of the row's values in the columns' order. */
export function csvLine(columns: readonly string[], row: Readonly<Record<string, unknown>>): string {
  return columns.map((c) => cell(row[c])).join(',') + '\n';
}

/** The header line. */
export const csvHeader = (columns: readonly string[]) => columns.map(cell).join(',') + '\n';

export function toCsv(columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[]): string {
  return csvHeader(columns) + rows.map((r) => csvLine(columns, r)).join('');
}
