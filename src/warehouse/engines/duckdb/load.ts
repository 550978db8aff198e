/**
 * Bulk load with DuckDB's own readers (parallel, streaming, spilling to disk), so no row passes
 * through JavaScript. A source becomes a temp view `<staging>` of text columns `c<i>` (one per
 * source column), read once by the validation query that materialises the checked rows.
 * Record numbers: CSV counts data records after the header (from the checked table's row
 * order, which is file order); JSON lines count lines; Parquet counts rows.
 */
import type { FileSource } from '../../warehouse.js';
import { duckdbDialect as d } from './dialect.js';

/** Extra columns beyond the header that a CSV record may carry before DuckDB rejects it. */
export const CSV_EXTRA_COLUMNS = 8;

export interface LoadPlan {
  /** Statements that create the view `<staging>` (and, for JSON lines, the table of lines). */
  readonly load: string;
  /** Whether the view has `_row`; otherwise numbers come from the checked table's row order. */
  readonly hasRowColumn: boolean;
  /** Header lines before the first record, for the reader's reject line numbers. */
  readonly headerLines: number;
  /** SQL over the view: why a record is broken as a whole (NULL when it is not). */
  readonly recordError: string | null;
  /** SQL for a record's verbatim content as a JSON object text, columns named `names`. */
  readonly rawExpr: (names: readonly string[]) => string;
}

const rejectOptions = (rejects: string) =>
  `store_rejects = true, rejects_table = ${d.str(rejects)}, rejects_scan = ${d.str(rejects + '_scan')}`;

export function csvPlan(src: FileSource, staging: string, rejects: string, parallel = true): LoadPlan {
  const cols = src.columns.map((_, i) => `c${i}`);
  const extras = Array.from({ length: CSV_EXTRA_COLUMNS }, (_, i) => `x${i}`);
  const colSpec = [...cols, ...extras].map((c) => `${d.str(c)}: 'VARCHAR'`).join(', ');
  // auto_detect off: we parsed the header ourselves, all fields stay text, nothing is guessed.
  // null_padding pads short records (validation then names the missing field); extra fields land
  // in x0… so such records are reported rather than rejected by the reader. strict_mode off keeps
  // stray quotes in the data instead of failing the whole file.
  const load = `CREATE TEMP VIEW ${d.ident(staging)} AS SELECT * FROM read_csv(${d.str(src.path)},
    auto_detect = false, header = true, delim = ${d.str(src.delimiter ?? ',')}, quote = '"', escape = '"',
    columns = {${colSpec}}, null_padding = true, strict_mode = false,${parallel ? '' : ' parallel = false,'}
    ${rejectOptions(rejects)})`;
  const extraText = `concat_ws(${d.str(src.delimiter ?? ',')}, ${extras.join(', ')})`;
  return {
    load,
    hasRowColumn: false,
    headerLines: 1,
    recordError: `CASE WHEN x0 IS NOT NULL THEN 'record has more fields than the header (check the delimiter and quoting)' END`,
    rawExpr: (names) => {
      const pairs: [string, string][] = names.map((name, i) => [name, `c${i}`]);
      return `CASE WHEN x0 IS NULL THEN ${d.jsonObject(pairs)} ELSE ${d.jsonObject([...pairs, ['(extra fields)', extraText]])} END`;
    },
  };
}

/** JSON lines: each line is read whole as text (the delimiter is a control character no JSON line holds). */
export function jsonlPlan(src: FileSource, staging: string, rejects: string): LoadPlan {
  const lines = d.ident(staging + '_lines');
  const load = `CREATE TEMP TABLE ${lines} AS SELECT j AS _line,
      -- json_type would fail on invalid text and AND does not short-circuit: test the first character.
      CASE WHEN json_valid(j) AND starts_with(ltrim(j), '{') THEN j END AS _obj
    FROM read_csv(${d.str(src.path)}, auto_detect = false, header = false, delim = E'\\x01', quote = '', escape = '',
      columns = {'j': 'VARCHAR'}, strict_mode = false, ${rejectOptions(rejects)});
  CREATE TEMP VIEW ${d.ident(staging)} AS SELECT _row, _obj, _line,
    ${src.columns.map((c, i) => `${d.jsonText('_obj', c)} AS c${i}`).join(',\n    ')}
    -- Blank lines are not records; every line keeps its own number.
    FROM (SELECT rowid + 1 AS _row, * FROM ${lines}) l WHERE _line IS NOT NULL`;
  return {
    load,
    hasRowColumn: true,
    headerLines: 0,
    recordError: `CASE WHEN _obj IS NULL THEN 'line is not a JSON object' END`,
    // The line itself, verbatim (its keys as in the file).
    rawExpr: () => `coalesce(_obj, ${d.jsonObject([['(line)', '_line']])})`,
  };
}

export function parquetPlan(src: FileSource, staging: string, types: readonly string[]): LoadPlan {
  const exprs = src.columns.map((c, i) => {
    const t = types[i] ?? 'VARCHAR';
    const nested = /STRUCT|MAP|\[\]|LIST|JSON/.test(t);
    return `${nested ? `to_json(${d.ident(c)})::VARCHAR` : `CAST(${d.ident(c)} AS VARCHAR)`} AS c${i}`;
  });
  const load = `CREATE TEMP VIEW ${d.ident(staging)} AS SELECT file_row_number + 1 AS _row, ${exprs.join(', ')}
    FROM read_parquet(${d.str(src.path)}, file_row_number = true)`;
  return {
    load,
    hasRowColumn: true,
    headerLines: 0,
    recordError: null,
    rawExpr: (names) => d.jsonObject(names.map((name, i) => [name, `c${i}`])),
  };
}

/**
 * The checked table `raw` numbered as view `view`. Without a `_row` column, a record's number is
 * its rowid + 1 (CREATE TABLE AS keeps file order). Records the reader rejected are missing from
 * the table; each later record's number is shifted by the rejects before it. A reject at reader
 * line L (after `headerLines` header lines) sits, among the kept records, just before kept record
 * L − headerLines − (rejects before it), which is what `slot` holds.
 */
export function numberedView(raw: string, view: string, plan: LoadPlan, rejects: string | null): string {
  if (plan.hasRowColumn) return `CREATE TEMP VIEW ${d.ident(view)} AS SELECT * FROM ${d.ident(raw)}`;
  const base = `rowid + 1`;
  if (!rejects) return `CREATE TEMP VIEW ${d.ident(view)} AS SELECT ${base} AS _row, * FROM ${d.ident(raw)}`;
  const slots = `(SELECT line - ${plan.headerLines} - (row_number() OVER (ORDER BY line) - 1) AS slot FROM ${d.ident(rejects)})`;
  return `CREATE TEMP VIEW ${d.ident(view)} AS
    SELECT ${base} + (SELECT count(*) FROM ${slots} s WHERE s.slot <= r.rowid + 1) AS _row, * FROM ${d.ident(raw)} r`;
}
