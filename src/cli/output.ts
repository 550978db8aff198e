/** Rendering rows for people (aligned table) and for programs (JSON, CSV). */
import { writeFile } from 'node:fs/promises';
import type { Row } from '../warehouse/warehouse.js';

export type OutputFormat = 'table' | 'json' | 'csv';

/** Colour escapes (ESC [ … m). */
const ESCAPES = /\x1b\[[0-9;]*m/g;

export function renderTable(columns: readonly string[], rows: readonly Row[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(r[c])));
  // Widths count what the terminal shows: colour escapes take no room.
  const shown = (v: string) => v.replace(ESCAPES, '').length;
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => shown(row[i]!)))));
  const line = (vals: string[]) => vals.map((v, i) => pad(v, widths[i]!)).join('  ').trimEnd();
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const pad = (v: string, w: number) => {
    const n = shown(v);
    // A coloured cell is never cut (its escapes would be); plain text is, with an ellipsis.
    if (n > w && n === v.length) return v.slice(0, w - 1) + '…';
    return v + ' '.repeat(Math.max(0, w - n));
  };
  const body = cells.map((row) => row.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : pad(v, widths[i]!))).join('  ').trimEnd());
  return [line([...columns]), line(widths.map((w) => '─'.repeat(w))), ...body].join('\n');
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/\s+/g, ' ');
}

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or
 * carriage return) get a leading apostrophe, unless they are plain numbers.
 */
export function toCsv(columns: readonly string[], rows: readonly Row[]): string {
  const esc = (v: unknown) => {
    let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.map(esc).join(','), ...rows.map((r) => columns.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

export function printRows(columns: readonly string[], rows: readonly Row[], format: OutputFormat): void {
  if (format === 'json') process.stdout.write(JSON.stringify(rows) + '\n');
  else if (format === 'csv') process.stdout.write(toCsv(columns, rows));
  else process.stdout.write(renderTable(columns, rows) + '\n');
}

/** A rendered document to --out (saying so on stderr) or to stdout. */
export async function emit(text: string, out: string | undefined, what: string): Promise<void> {
  if (out) {
    await writeFile(out, text);
    process.stderr.write(`${what} written to ${out}\n`);
  } else process.stdout.write(text);
}
