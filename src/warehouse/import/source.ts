/**
 * What a file is before the engine reads it: its format (from the extension or --input-format),
 * for CSV its header and delimiter, and how its columns map onto a canonical table's fields.
 * Only the first few kilobytes are read here; the rows themselves go straight to the engine.
 */
import { open, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { TableDef } from '../schema/tables.js';
import type { FileSource } from '../warehouse.js';

export type InputFormat = FileSource['format'];
export const INPUT_FORMATS: readonly InputFormat[] = ['csv', 'jsonl', 'parquet'];

export function formatFromPath(path: string): InputFormat | null {
  const p = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (/\.(csv|tsv|txt)$/.test(p)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/.test(p)) return 'jsonl';
  if (/\.parquet$/.test(p)) return 'parquet';
  return null;
}

/** Delimiters we recognise in a header line, most common first (ties go to the earlier one). */
const DELIMITERS = [',', ';', '\t', '|'];

export async function describeSource(
  path: string,
  opts: { format?: InputFormat; delimiter?: string } = {},
): Promise<FileSource> {
  const st = await stat(path).catch(() => null);
  if (!st || !st.isFile()) {
    throw new UsageError('file-not-found', `Cannot read ${path}: no such file.`, 'Check the path; it is relative to the current folder.');
  }
  const format = opts.format ?? formatFromPath(path);
  if (!format) {
    throw new UsageError(
      'unknown-format',
      `Cannot tell the format of ${path} from its extension.`,
      'Use --input-format csv|jsonl|parquet.',
    );
  }
  if (format !== 'csv') return { path, format, columns: [] };
  const head = await readHead(path);
  const line = firstRecord(head);
  if (line.trim() === '') {
    throw new UsageError('empty-file', `${path} has no header line.`, 'A CSV file starts with a header naming its columns.');
  }
  const delimiter = opts.delimiter ?? detectDelimiter(line);
  const columns = splitRecord(line, delimiter).map((c) => c.trim());
  return { path, format, delimiter, columns };
}

async function readHead(path: string): Promise<string> {
  const fh = await open(path, 'r').catch((e: Error) => {
    throw new UsageError('file-unreadable', `Cannot read ${path}: ${e.message}`, 'Check the file permissions.');
  });
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    let bytes = buf.subarray(0, bytesRead);
    if (path.toLowerCase().endsWith('.gz')) {
      // A prefix of a gzip stream: inflate what we can (enough for the header).
      try {
        bytes = gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
      } catch {
        throw new UsageError('file-unreadable', `Cannot read ${path}: not a gzip file.`, 'Decompress it or fix the extension.');
      }
    }
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await fh.close();
  }
}

/** The first record of a CSV text: up to the first line break outside quotes. */
function firstRecord(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return text;
}

export function detectDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = splitRecord(header, d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** RFC 4180 split of one record ("" is an escaped quote inside a quoted field). */
export function splitRecord(record: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i];
    if (quoted) {
      if (ch === '"' && record[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (record.startsWith(delimiter, i)) {
      out.push(cur);
      cur = '';
      i += delimiter.length - 1;
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parse repeated `--map source_column=canonical_field` options. */
export function parseMap(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const i = pair.lastIndexOf('=');
    if (i <= 0 || i === pair.length - 1) {
      throw new UsageError('bad-map', `--map ${pair}: expected source_column=canonical_field.`, 'Example: --map "Order ID=order_id"');
    }
    map.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
  }
  return map;
}

/**
 * For each canonical field, the index of the source column holding it (or -1). A column maps to
 * the field named in --map, else to the field of the same name (case and spaces ignored).
 * For JSON lines and Parquet the columns are the keys we will look up.
 */
export function mapColumns(t: TableDef, columns: readonly string[], map: Map<string, string>, file: string): Map<string, number> {
  const fieldNames = t.fields.map((f) => f.name);
  for (const [src, dst] of map) {
    if (!fieldNames.includes(dst)) {
      throw new UsageError('bad-map', `--map ${src}=${dst}: ${t.name} has no field ${dst}.`, `${didYouMean(dst, fieldNames)}Fields of ${t.name}: ${fieldNames.join(', ')}.`);
    }
    if (columns.length && !columns.includes(src)) {
      throw new UsageError('bad-map', `--map ${src}=${dst}: ${file} has no column ${src}.`, `${didYouMean(src, columns)}Its columns: ${columns.join(', ')}.`);
    }
  }
  const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const result = new Map<string, number>();
  for (const fd of t.fields) {
    const mapped = [...map].find(([, dst]) => dst === fd.name)?.[0];
    const idx = mapped !== undefined ? columns.indexOf(mapped) : columns.findIndex((c) => norm(c) === fd.name && !map.has(c));
    result.set(fd.name, idx);
  }
  const missing = t.fields.filter((fd) => fd.required && result.get(fd.name) === -1).map((fd) => fd.name);
  if (missing.length) {
    throw new UsageError(
      'missing-columns',
      `${file} has no column for ${missing.join(', ')} (required in ${t.name}).`,
      `Its columns: ${columns.join(', ')}. Name the matching column with --map <column>=${missing[0]}.`,
    );
  }
  return result;
}
