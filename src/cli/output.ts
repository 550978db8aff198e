/** Rendering rows for people (aligned table) and for programs (JSON, CSV). */
import { writeFile } from 'node:fs/promises';
import { toCsv } from '../warehouse/csv-out.js';
import type { Row } from '../warehouse/warehouse.js';

export type OutputFormat = 'table' | 'json' | 'csv';

/** Colour escapes (ESC [ … m). */
const ESCAPES = /\x1b\[[0-9;]*m/g;

/**
 * A text column is never squeezed below its header, this, or its longest word up to
 * LONGEST_WORD (a word is split only when longer than that).
 */
const MIN_TEXT_WIDTH = 8;
const LONGEST_WORD = 20;

/**
 * The table's lines. Without a width, a cell longer than 60 is cut with an ellipsis (one line a
 * row: what a pipe or a file gets). With a width (the terminal's), the widest text columns give
 * up room until the table fits, and their cells wrap at spaces onto continuation lines within
 * their column; numbers and coloured cells are never wrapped. A table that cannot fit even so
 * keeps its text at the minimum width and runs past the edge.
 */
export function tableLines(columns: readonly string[], rows: readonly Row[], width?: number): string[] {
  const cells = rows.map((r) => columns.map((c) => cellText(r[c])));
  // Widths count what the terminal shows: colour escapes take no room.
  const shown = (v: string) => v.replace(ESCAPES, '').length;
  const natural = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => shown(row[i]!))));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const coloured = columns.map((_, i) => cells.some((row) => shown(row[i]!) !== row[i]!.length));
  const wrapping = width !== undefined;
  const least = natural.map((w, i) => {
    if (numeric[i] || coloured[i]) return w;
    const word = Math.max(0, ...cells.flatMap((row) => row[i]!.split(' ').map((x) => x.length)));
    return Math.min(w, Math.max(columns[i]!.length, MIN_TEXT_WIDTH, Math.min(word, LONGEST_WORD)));
  });
  const widths = wrapping ? fitWidths(natural, least, width) : natural.map((w) => Math.min(60, w));
  const pad = (v: string, w: number) => {
    const n = shown(v);
    // A coloured cell is never cut (its escapes would be); plain text is, with an ellipsis.
    if (n > w && n === v.length) return v.slice(0, w - 1) + '…';
    return v + ' '.repeat(Math.max(0, w - n));
  };
  const line = (vals: readonly string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : pad(v, widths[i]!))).join('  ').trimEnd();
  const body = cells.flatMap((row) => {
    if (!wrapping) return [line(row)];
    const parts = row.map((v, i) => (numeric[i] || coloured[i] ? [v] : wrapText(v, widths[i]!)));
    const height = Math.max(...parts.map((p) => p.length));
    return Array.from({ length: height }, (_, k) => line(parts.map((p) => p[k] ?? '')));
  });
  return [line([...columns].map((c, i) => (numeric[i] ? c.padEnd(widths[i]!) : c))), line(widths.map((w) => '─'.repeat(w))), ...body];
}

export function renderTable(columns: readonly string[], rows: readonly Row[], width?: number): string {
  return tableLines(columns, rows, width).join('\n');
}

/** Column widths within `width` (two spaces between columns): the widest above its least gives a character at a time. */
function fitWidths(natural: readonly number[], least: readonly number[], width: number): number[] {
  const widths = [...natural];
  let total = widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1);
  while (total > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > least[i]! && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]!--;
    total--;
  }
  return widths;
}

/** Text broken at spaces into lines of at most `width`; a word longer than that is split. */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(' ')) {
    while (word.length > width) {
      if (current) lines.push(current);
      current = '';
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!current) current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** The terminal's width for tables: $COLUMNS, else the terminal's own; none for a pipe or file. */
export function terminalWidth(): number | undefined {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/\s+/g, ' ');
}

/** RFC 4180 CSV, formula cells escaped (warehouse/csv-out.ts: the server writes the same). */
export { toCsv };

export function printRows(columns: readonly string[], rows: readonly Row[], format: OutputFormat): void {
  if (format === 'json') process.stdout.write(JSON.stringify(rows) + '\n');
  else if (format === 'csv') process.stdout.write(toCsv(columns, rows));
  else process.stdout.write(renderTable(columns, rows, terminalWidth()) + '\n');
}

/** A rendered document to --out (saying so on stderr) or to stdout. */
export async function emit(text: string, out: string | undefined, what: string): Promise<void> {
  if (out) {
    await writeFile(out, text);
    process.stderr.write(`${what} written to ${out}\n`);
  } else process.stdout.write(text);
}
