/**
 * What a file is before the engine reads it: its format (from the extension or --input-format),
 * for CSV its header and delimiter, and how its columns map onto a canonical table's fields.
 * Only the first few kilobytes are read here; the rows themselves go straight to the engine.
 */
import { open, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { TABLE_DECLS, type TableDef } from '../schema/tables.js';
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

/** How a file's columns land in a table: fields, keys of its attributes JSON, and nowhere. */
export interface ColumnPlan {
  /** For each canonical field, the index of the source column holding it (or -1). */
  readonly fields: Map<string, number>;
  /** Keys of the table's `attributes` JSON, each with the source column holding it. */
  readonly attributes: readonly (readonly [key: string, index: number])[];
  /** Source columns that go nowhere, as the file names them (reported, never silently dropped). */
  readonly unmapped: readonly string[];
}

/** The table's free-form JSON field that `--map Column=attributes.key` fills. */
export const ATTRIBUTES = 'attributes';
const ATTRIBUTE_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * For each canonical field, the index of the source column holding it (or -1). A column maps to
 * the field named in --map, else to the field of the same name (case and spaces ignored).
 * For JSON lines and Parquet the columns are the keys we will look up.
 */
export function mapColumns(t: TableDef, columns: readonly string[], map: Map<string, string>, file: string): Map<string, number> {
  return planColumns(t, columns, map, file).fields;
}

/**
 * mapColumns, and where the other columns go: `--map Segment=attributes.segment` puts one into the
 * table's attributes JSON (where `--by segment` reads it), `extraAttributes` puts every column no
 * field takes there (its key the column name in snake case); the rest are unmapped.
 */
export function planColumns(t: TableDef, columns: readonly string[], map: Map<string, string>, file: string, o: { extraAttributes?: boolean } = {}): ColumnPlan {
  const fieldNames = t.fields.map((f) => f.name);
  const hasAttributes = t.fields.some((f) => f.name === ATTRIBUTES && f.kind === 'json');
  const noAttributes = (what: string) =>
    new UsageError(
      'bad-map',
      `${what}: ${t.name} has no attributes field to put columns in.`,
      `Only ${TABLE_DECLS.filter((x) => x.fields.some((f) => f.name === ATTRIBUTES)).map((x) => x.name).join(', ')} keep free-form attributes; map the column to a field of ${t.name} (${fieldNames.join(', ')}).`,
    );
  if (o.extraAttributes && !hasAttributes) throw noAttributes('--extra-attributes');
  for (const [src, dst] of map) {
    if (dst.startsWith(`${ATTRIBUTES}.`)) {
      const key = dst.slice(ATTRIBUTES.length + 1);
      if (!hasAttributes) throw noAttributes(`--map ${src}=${dst}`);
      if (!ATTRIBUTE_KEY.test(key)) {
        throw new UsageError('bad-map', `--map ${src}=${dst}: "${key}" is not an attributes key.`, 'A key is letters, digits and _, starting with a letter (so --by can name it): --map "Segment=attributes.segment".');
      }
    } else if (!fieldNames.includes(dst)) {
      throw new UsageError('bad-map', `--map ${src}=${dst}: ${t.name} has no field ${dst}.`, `${didYouMean(dst, fieldNames)}Fields of ${t.name}: ${fieldNames.join(', ')}${hasAttributes ? `, or attributes.<key>` : ''}.`);
    }
    if (columns.length && !columns.includes(src)) {
      throw new UsageError('bad-map', `--map ${src}=${dst}: ${file} has no column ${src}.`, `${didYouMean(src, columns)}Its columns: ${columns.join(', ')}.`);
    }
  }
  const fields = new Map<string, number>();
  for (const fd of t.fields) {
    const mapped = [...map].find(([, dst]) => dst === fd.name)?.[0];
    const idx = mapped !== undefined ? columns.indexOf(mapped) : columns.findIndex((c) => norm(c) === fd.name && !map.has(c));
    fields.set(fd.name, idx);
  }
  const missing = t.fields.filter((fd) => fd.required && fields.get(fd.name) === -1).map((fd) => fd.name);
  if (missing.length) {
    throw new UsageError(
      'missing-columns',
      `${file} has no column for ${missing.join(', ')} (required in ${t.name}).`,
      `Its columns: ${columns.join(', ')}. Name the matching column with --map <column>=${missing[0]}.`,
    );
  }
  const used = new Set(fields.values());
  const attributes: [string, number][] = [...map]
    .filter(([, dst]) => dst.startsWith(`${ATTRIBUTES}.`))
    .map(([src, dst]) => [dst.slice(ATTRIBUTES.length + 1), columns.indexOf(src)]);
  for (const [, i] of attributes) used.add(i);
  const rest = columns.map((c, i) => [c, i] as const).filter(([, i]) => !used.has(i));
  if (o.extraAttributes) for (const [c, i] of rest) attributes.push([attributeKey(c), i]);
  if (attributes.length && (fields.get(ATTRIBUTES) ?? -1) >= 0) {
    throw new UsageError(
      'bad-map',
      `${file} has an attributes column and columns mapped into attributes; the two would overwrite each other.`,
      'Map the columns into attributes.<key> and leave the attributes column out (--map attributes=…), or put everything in the attributes column.',
    );
  }
  return { fields, attributes, unmapped: o.extraAttributes ? [] : rest.map(([c]) => c) };
}

/** A column name as an attributes key --by can name: `Full Name` → `full_name`, `2nd Plan` → `c_2nd_plan`. */
function attributeKey(column: string): string {
  const k = norm(column).replace(/[^a-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  return /^[a-z]/.test(k) ? k : `c_${k}`;
}
