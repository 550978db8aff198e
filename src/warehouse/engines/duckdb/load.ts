/**
 * Bulk load into a staging table of text columns with DuckDB's own readers (parallel, streaming,
 * spilling to disk), so no row passes through JavaScript. Every source becomes a temp table with
 * `_row` (the record's number in the file: CSV counts data records after the header, JSON lines
 * counts lines) and one text column `c<i>` per source column, plus `_raw` for JSON lines.
 */
import type { FileSource } from '../../warehouse.js';
import { duckdbDialect as d } from './dialect.js';

/** Extra columns beyond the header that a CSV record may carry before DuckDB rejects it. */
export const CSV_EXTRA_COLUMNS = 8;

export interface LoadPlan {
  /** Statements that create `<staging>_raw` (and the reject table) from the file. */
  readonly load: string;
  /** Statement that creates the view `<staging>` with `_row`. */
  readonly view: (rejectsTable: string | null) => string;
  readonly columns: readonly string[];
  readonly extraColumns: readonly string[];
  /** SQL for a record's verbatim content as a JSON object text, columns named `names`. */
  readonly rawExpr: (names: readonly string[]) => string;
}

export function csvPlan(src: FileSource, staging: string, rejects: string, parallel = true): LoadPlan {
  const cols = src.columns.map((_, i) => `c${i}`);
  const extras = Array.from({ length: CSV_EXTRA_COLUMNS }, (_, i) => `x${i}`);
  const colSpec = [...cols, ...extras].map((c) => `${d.str(c)}: 'VARCHAR'`).join(', ');
  // auto_detect off: we parsed the header ourselves, all fields stay text, nothing is guessed.
  // null_padding pads short records (validation then names the missing field); extra fields land
  // in x0… so such records are reported rather than rejected by the reader. strict_mode off keeps
  // stray quotes in the data instead of failing the whole file.
  const load = `CREATE TEMP TABLE ${d.ident(staging + '_raw')} AS SELECT * FROM read_csv(${d.str(src.path)},
    auto_detect = false, header = true, delim = ${d.str(src.delimiter ?? ',')}, quote = '"', escape = '"',
    columns = {${colSpec}}, null_padding = true, strict_mode = false,${parallel ? '' : ' parallel = false,'}
    store_rejects = true, rejects_table = ${d.str(rejects)}, rejects_scan = ${d.str(rejects + '_scan')})`;
  const extraText = `concat_ws(${d.str(src.delimiter ?? ',')}, ${extras.join(', ')})`;
  return {
    load,
    columns: cols,
    extraColumns: extras,
    rawExpr: (names) => {
      const pairs: [string, string][] = names.map((name, i) => [name, `c${i}`]);
      return `CASE WHEN x0 IS NULL THEN ${d.jsonObject(pairs)} ELSE ${d.jsonObject([...pairs, ['(extra fields)', extraText]])} END`;
    },
    view: (rejectsTable) => viewSql(staging, rejectsTable),
  };
}

/** JSON lines: each line is read whole as text (the delimiter is a control character no JSON line holds). */
export function jsonlPlan(src: FileSource, staging: string, rejects: string): LoadPlan {
  const load = `CREATE TEMP TABLE ${d.ident(staging + '_lines')} AS SELECT * FROM read_csv(${d.str(src.path)},
    auto_detect = false, header = false, delim = E'\\x01', quote = '', escape = '',
    columns = {'j': 'VARCHAR'}, strict_mode = false,
    store_rejects = true, rejects_table = ${d.str(rejects)}, rejects_scan = ${d.str(rejects + '_scan')});
  CREATE TEMP TABLE ${d.ident(staging + '_raw')} AS SELECT _obj, _line,
    ${src.columns.map((c, i) => `${d.jsonText('_obj', c)} AS c${i}`).join(',\n    ')}
    FROM (SELECT j AS _line,
      -- json_type would fail on invalid text, and DuckDB does not short-circuit AND, so test the first character.
      CASE WHEN json_valid(j) AND starts_with(ltrim(j), '{') THEN j END AS _obj
    FROM ${d.ident(staging + '_lines')}) l`;
  return {
    load,
    columns: src.columns.map((_, i) => `c${i}`),
    extraColumns: [],
    // The line itself, verbatim (its keys as in the file).
    rawExpr: () => `coalesce(_obj, ${d.jsonObject([['(line)', '_line']])})`,
    view: (rejectsTable) =>
      // Blank lines are not records; every line keeps its own number.
      `CREATE TEMP VIEW ${d.ident(staging)} AS SELECT * FROM (${rowNumbered(staging, rejectsTable, 0)}) WHERE _line IS NOT NULL`,
  };
}

export function parquetPlan(src: FileSource, staging: string, types: readonly string[]): LoadPlan {
  const exprs = src.columns.map((c, i) => {
    const t = types[i] ?? 'VARCHAR';
    const nested = /STRUCT|MAP|\[\]|LIST|JSON/.test(t);
    return `${nested ? `to_json(${d.ident(c)})::VARCHAR` : `CAST(${d.ident(c)} AS VARCHAR)`} AS c${i}`;
  });
  const load = `CREATE TEMP TABLE ${d.ident(staging + '_raw')} AS SELECT file_row_number + 1 AS _row, ${exprs.join(', ')}
    FROM read_parquet(${d.str(src.path)}, file_row_number = true)`;
  const cols = src.columns.map((_, i) => `c${i}`);
  return {
    load,
    columns: cols,
    extraColumns: [],
    rawExpr: (names) => d.jsonObject(names.map((name, i) => [name, `c${i}`])),
    view: () => `CREATE TEMP VIEW ${d.ident(staging)} AS SELECT * FROM ${d.ident(staging + '_raw')}`,
  };
}

function viewSql(staging: string, rejectsTable: string | null): string {
  return `CREATE TEMP VIEW ${d.ident(staging)} AS ${rowNumbered(staging, rejectsTable, 1)}`;
}

/**
 * Record numbers: the staging table keeps file order (insertion order is preserved), so a
 * record's number is its rowid + 1. Records the reader rejected are missing from the table;
 * when there are any, each later record's number is shifted by the rejects before it. A reject
 * at reader line L (after `headerLines` header lines) sits, among the kept records, just before
 * kept record L − headerLines − (rejects before it), which is what `slot` holds.
 */
function rowNumbered(staging: string, rejectsTable: string | null, headerLines: number): string {
  const raw = d.ident(staging + '_raw');
  if (!rejectsTable) return `SELECT rowid + 1 AS _row, * FROM ${raw}`;
  const slots = `(SELECT line - ${headerLines} - (row_number() OVER (ORDER BY line) - 1) AS slot FROM ${d.ident(rejectsTable)})`;
  return `SELECT rowid + 1 + (SELECT count(*) FROM ${slots} s WHERE s.slot <= r.rowid + 1) AS _row, * FROM ${raw} r`;
}
