/**
 * Bulk load with DuckDB's own readers (parallel, streaming, spilling to disk), so no row passes
 * through JavaScript. A source becomes a temp view `<staging>` of text columns `c<i>` (one per
 * source column), read once by the validation query that materialises the checked rows.
 * Record numbers: CSV counts data records after the header (from the checked table's row
 * order, which is file order); JSON lines count lines; Parquet counts rows. Line numbers (what an
 * editor shows) are the record numbers for JSON lines; for CSV see lineNumbers.
 */
import { EXTRA_FIELDS_ERROR, EXTRA_FIELDS_KEY, NOT_AN_OBJECT_ERROR, WHOLE_LINE_KEY } from '../../import/record-errors.js';
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
  /** Columns of the view the check passes through for numbering (`_span`, CSV only). */
  readonly keep: readonly string[];
  /** SQL over the numbered view for a record's file line, when it needs no pass of its own (not CSV). */
  readonly lineExpr: string | null;
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
  const load = `CREATE TEMP VIEW ${d.ident(staging)} AS SELECT *, ${spanExpr([...cols, ...extras])} AS _span FROM read_csv(${d.str(src.path)},
    auto_detect = false, header = true, delim = ${d.str(src.delimiter ?? ',')}, quote = '"', escape = '"',
    columns = {${colSpec}}, null_padding = true, strict_mode = false,${parallel ? '' : ' parallel = false,'}
    ${rejectOptions(rejects)})`;
  const extraText = `concat_ws(${d.str(src.delimiter ?? ',')}, ${extras.join(', ')})`;
  return {
    load,
    hasRowColumn: false,
    headerLines: 1,
    recordError: `CASE WHEN x0 IS NOT NULL THEN ${d.str(EXTRA_FIELDS_ERROR)} END`,
    rawExpr: (names) => {
      const pairs: [string, string][] = names.map((name, i) => [name, `c${i}`]);
      return `CASE WHEN x0 IS NULL THEN ${d.jsonObject(pairs)} ELSE ${d.jsonObject([...pairs, [EXTRA_FIELDS_KEY, extraText]])} END`;
    },
    keep: ['_span'],
    lineExpr: null,
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
    recordError: `CASE WHEN _obj IS NULL THEN ${d.str(NOT_AN_OBJECT_ERROR)} END`,
    // The line itself, verbatim (its keys as in the file).
    rawExpr: () => `coalesce(_obj, ${d.jsonObject([[WHOLE_LINE_KEY, '_line']])})`,
    keep: [],
    // Every line, blank or not, has its number: a record's number is its line.
    lineExpr: '_row',
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
    keep: [],
    // A Parquet file has no lines.
    lineExpr: 'CAST(NULL AS BIGINT)',
  };
}

/**
 * The lines beyond its first that a CSV record takes in the file (its quoted values' line breaks),
 * leaving out the blank ones inside a value: lineNumbers counts only lines that are not blank.
 * Most records hold no line break, which one test per value tells cheaply.
 */
function spanExpr(cols: readonly string[]): string {
  const nl = `E'\\n'`;
  const one = (c: string) =>
    `CASE WHEN contains(${c}, ${nl}) THEN len(string_split(${c}, ${nl})) - 1 - len(list_filter(string_split(${c}, ${nl})[2:-2], lambda x: rtrim(x, E'\\r') = '')) ELSE 0 END`;
  return `CASE WHEN ${cols.map((c) => `contains(${c}, ${nl})`).join(' OR ')} THEN ${cols.map(one).join(' + ')} ELSE 0 END`;
}

/**
 * The checked table `raw` numbered: a SELECT with `_row`. Without a `_row` column, a record's
 * number is its rowid + 1 (CREATE TABLE AS keeps file order). Records the reader rejected are
 * missing from the table; each later record's number is shifted by the rejects before it. A
 * reject at reader line L (after `headerLines` header lines) sits, among the kept records, just
 * before kept record L − headerLines − (rejects before it), which is what `slot` holds.
 */
export function numberedSelect(raw: string, plan: LoadPlan, rejects: string | null, withRowid = false): string {
  const rid = withRowid ? ', rowid AS _rid' : '';
  if (plan.hasRowColumn) return `SELECT *${rid} FROM ${d.ident(raw)}`;
  const base = `rowid + 1`;
  if (!rejects) return `SELECT ${base} AS _row, *${rid} FROM ${d.ident(raw)}`;
  const slots = `(SELECT line - ${plan.headerLines} - (row_number() OVER (ORDER BY line) - 1) AS slot FROM ${d.ident(rejects)})`;
  return `SELECT ${base} + (SELECT count(*) FROM ${slots} s WHERE s.slot <= r.rowid + 1) AS _row, *${rid} FROM ${d.ident(raw)} r`;
}

/**
 * The bare-lines pass for lineNumbersSql: table `<lines>_file` with whether each line of the file
 * (in order, rowid + 1 its line) holds anything, read with no quotes and no fields. A line that
 * is not UTF-8 is the reader's reject here too, in `<lines>_rej`: without quotes its reject line
 * is its line in the file.
 */
export function linePassSql(src: FileSource, lines: string): string {
  return `CREATE TEMP TABLE ${d.ident(`${lines}_file`)} AS SELECT j IS NOT NULL AS filled FROM read_csv(${d.str(src.path)},
    auto_detect = false, header = false, delim = E'\\x01', quote = '', escape = '', columns = {'j': 'VARCHAR'}, strict_mode = false,
    ${rejectOptions(`${lines}_rej`)})`;
}

/**
 * Table `lines` (_row, _rid: the row of `raw`, _line): the file line of each CSV record that may be quarantined (those
 * with a verbatim copy, and the reader's rejects). DuckDB's reader skips blank lines and a quoted
 * value may hold line breaks, and it tells no line numbers, so the record numbered r starts on
 * the n-th line that is not blank, n = headerLines + r + the spans of the records before it
 * (spanExpr), as the bare-lines pass (linePassSql) finds them. A running sum over the few records
 * with a span or a copy gives n. Most files have no blank line and no line that is not UTF-8
 * (`file` tells which): then line n is the n-th, and the pass's table is not read at all.
 */
export function lineNumbersSql(
  raw: string,
  plan: LoadPlan,
  rejects: string | null,
  lines: string,
  file: { blank: boolean; rejected: boolean },
): string {
  const numbered = numberedSelect(raw, plan, rejects, true);
  const rejected = rejects ? `UNION ALL SELECT line - ${plan.headerLines}, NULL, 0, TRUE FROM ${d.ident(rejects)}` : '';
  const w = `SELECT _row, _rid, wanted, ${plan.headerLines} + _row + coalesce(sum(_span) OVER (ORDER BY _row ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS n
    FROM (SELECT _row, _rid, _span, _raw IS NOT NULL AS wanted FROM (${numbered}) v WHERE _span > 0 OR _raw IS NOT NULL ${rejected}) r`;
  if (!file.blank && !file.rejected) return `CREATE TEMP TABLE ${d.ident(lines)} AS SELECT _row, _rid, n AS _line FROM (${w}) w WHERE wanted`;
  const pass = d.ident(`${lines}_file`);
  const rej = d.ident(`${lines}_rej`);
  // Lines after a reject move down, as in numberedSelect.
  const slots = `(SELECT line - (row_number() OVER (ORDER BY line) - 1) AS slot FROM ${rej})`;
  const line = file.rejected ? `rowid + 1 + (SELECT count(*) FROM ${slots} s WHERE s.slot <= f.rowid + 1)` : 'rowid + 1';
  const filled = `SELECT ${line} AS line FROM ${pass} f WHERE filled${file.rejected ? ` UNION ALL SELECT line FROM ${rej}` : ''}`;
  return `CREATE TEMP TABLE ${d.ident(lines)} AS
    SELECT w._row, w._rid, f.line AS _line FROM (${w}) w JOIN (SELECT line, row_number() OVER (ORDER BY line) AS n FROM (${filled}) l) f ON f.n = w.n WHERE w.wanted`;
}

/**
 * `raw` gains `_line` from `lines` (an update of the few rows that have one, so that reading
 * the numbered view joins nothing).
 */
export function addLinesSql(raw: string, lines: string): string {
  return `ALTER TABLE ${d.ident(raw)} ADD COLUMN _line BIGINT;
    UPDATE ${d.ident(raw)} SET _line = l._line FROM ${d.ident(lines)} l WHERE ${d.ident(raw)}.rowid = l._rid`;
}

/** The numbered view `view` with `_line`: from raw itself (addLinesSql), the plan's own expression, or none. */
export function numberedView(numbered: string, view: string, plan: LoadPlan, hasLines: boolean): string {
  const cols = plan.keep.length ? `* EXCLUDE (${plan.keep.join(', ')})` : '*';
  if (hasLines) return `CREATE TEMP VIEW ${d.ident(view)} AS SELECT ${cols} FROM (${numbered}) v`;
  return `CREATE TEMP VIEW ${d.ident(view)} AS SELECT ${cols}, ${plan.lineExpr ?? 'CAST(NULL AS BIGINT)'} AS _line FROM (${numbered}) v`;
}
