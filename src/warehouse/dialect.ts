/**
 * The dialect seam: methods named by meaning that return SQL text. A dialect imports no driver;
 * everything engine-specific in the SQL the warehouse and metric layers build goes through here.
 * Engines differ in cast functions, list handling and how they spell a type, which is why
 * these exist; the shape of the queries is shared.
 */
import type { FieldKind } from './schema/fields.js';
import type { ParseOptions } from './schema/parse-options.js';

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /**
   * A canonical table as a query reads it: each key once. ClickHouse keeps a re-delivered row
   * until its parts merge, so it reads FINAL; DuckDB never stores it twice.
   */
  table(name: string): string;
  /**
   * The join keyword: every matching row of the right side (ClickHouse 18.16 wants the strictness
   * spelled out). One join per SELECT, on USING or equalities, is what every engine runs.
   */
  join(kind: 'inner' | 'left' | 'cross'): string;
  /**
   * Aggregates by (bucket, keys…) and, in the same result, by (keys…) alone with a NULL bucket
   * (the whole period): GROUPING SETS where the engine has them (one pass), else the union of the
   * two groupings. `bucket` and `keys` are columns of `from`; the result names them bucket and by
   * their own names.
   */
  groupWithPeriod(bucket: string, keys: readonly string[], aggregates: string, from: string): string;
  /**
   * Each row of `rows` (with integer columns lo and hi) once for every i in [lo, hi), with i as
   * a column: a row spread over the range of boundaries it covers.
   */
  spreadRange(rows: string, maxRange: number): string;
  /**
   * The rows of `rows` with a column `next`: within each group of `partition`, the `order` value
   * of the following row by `order` (ascending; ties are not expected), or `fallback` for the
   * last. `columns` are the other columns to keep. (lead() where the engine has window functions.)
   */
  withNext(rows: string, partition: readonly string[], order: string, columns: readonly string[], fallback: string): string;
  /**
   * The statements that make `name` a lookup table from `select` (columns key and value, both
   * text): the value of one key inside any expression, with `lookup`. It lives until `DROP TABLE`.
   * DuckDB keeps it as a temporary table; ClickHouse 18.16 has no correlated subqueries, so its
   * Join engine holds it in memory for joinGet().
   */
  lookupTable(name: string, select: string): string[];
  /**
   * The statement that keeps the rows of `select` in a temporary table `name` for the rest of the
   * connection (or until `DROP TABLE`): what a report computes once and several metrics read.
   * Absent where the engine has none that outlive a statement (ClickHouse 18.16 over HTTP has no
   * session): each metric then computes its own.
   */
  temporaryTable?(name: string, select: string): string;
  /** The value of a lookup table for a key expression, NULL when the key is absent. */
  lookup(name: string, keyExpr: string): string;
  /**
   * The rows of `rows` (columns `partition`, `time`, `tiebreak` and `columns`) with a column `n`:
   * within each partition, in order of time (then tiebreak), the number of the piece a row falls
   * in, a new piece starting at the first row and wherever a row comes more than `gapSeconds`
   * after the one before it (how a visitor's events split into sessions). Window functions where
   * the engine has them; else each partition's rows as a sorted array.
   */
  splitByGap(rows: string, partition: string, time: string, tiebreak: string, columns: readonly string[], gapSeconds: number): string;
  /**
   * The rows of `rows` (their `columns` kept) with, for each rank asked, a column `as`: 1 + how
   * many rows come before in order of `order` (descending if asked), tied rows sharing the lowest
   * rank; and `total`, the number of rows. rank() and count(*) windows over the whole input where
   * the engine has them, else one array of all rows with each order's permutation.
   */
  withRanks(rows: string, columns: readonly string[], ranks: readonly { order: string; descending: boolean; as: string }[]): string;
  /** A condition that always holds (ClickHouse 18.16 has no TRUE). */
  readonly alwaysTrue: string;
  /** A NULL of text type. */
  readonly nullText: string;
  /** A NULL typed as a double (ClickHouse refuses a bare CAST(NULL AS Float64): it must be Nullable). */
  readonly nullNumber: string;
  /** Whether DELETE removes rows (not in ClickHouse 18.16: tables there are appended to). */
  readonly canDelete: boolean;
  /** Quote an identifier (table or column name). */
  ident(name: string): string;
  /** A string literal, escaped for this engine. */
  str(value: string): string;
  /** The column type that stores a field of this kind. */
  columnType(kind: FieldKind): string;
  /**
   * A stored value of the kind as the text every engine's CSV reader takes back: instants as UTC
   * wall time to the second (ClickHouse 18.16's DateTime has no fractions), booleans as 0/1, the
   * rest as the engine prints them.
   */
  portableText(kind: FieldKind, expr: string): string;
  /**
   * Text → value of the kind, or NULL when it does not parse (never an error). The options say how
   * the file writes values (schema/parse-options.ts); without them only the canonical formats are
   * read. A timestamp without an offset is read in `opts.timezone` (UTC when absent).
   */
  tryParse(kind: FieldKind, textExpr: string, opts?: ParseOptions): string;
  /** Whether a timestamp text carries its own UTC offset (`Z`, `+02:00`, `-0500` after the time). */
  hasOffset(textExpr: string): string;
  /** The current time plus `minutes`, as a literal comparable with parsed timestamps. */
  nowPlusMinutes(minutes: number): string;
  /** A list built from the non-NULL values among the expressions (reasons a row is rejected). */
  listOfNonNull(exprs: readonly string[]): string;
  /** The list with one more element at its end. */
  listAppend(listExpr: string, valueExpr: string): string;
  /** A list as JSON array text. */
  listToJson(listExpr: string): string;
  /** The non-NULL ones among text expressions, joined by `sep` ('' when all are NULL). */
  joinNonNull(exprs: readonly string[], sep: string): string;
  /** Concatenate string expressions. */
  concat(exprs: readonly string[]): string;
  /** Render an expression as text for a message: the value quoted, shortened to 60 characters. */
  quoteForMessage(textExpr: string): string;
  /** A JSON object text from name → text expression pairs (keeps rejected rows verbatim). */
  jsonObject(pairs: readonly [string, string][]): string;
  /** Extract a field of a JSON object text as text (NULL when absent). */
  jsonText(jsonExpr: string, key: string): string;
  /** In a SELECT list: one row for each top-level key of a JSON object text (none for NULL). */
  jsonKeyRows(jsonExpr: string): string;
  /**
   * A query with one row per element of a JSON array text (a bound parameter, typically): `_row`,
   * its place from 1, and `_json`, the element as JSON text. Many values cross into SQL as one
   * parameter this way, parsed by the engine in one statement instead of bound one by one.
   */
  jsonArrayRows(jsonExpr: string): string;
  /** A 64-bit hash of one or more values (equal values, equal hashes). */
  hash64(exprs: readonly string[]): string;
  /** A stable hash of a text, as text (dedupes quarantined rows). */
  hashText(textExpr: string): string;
  /**
   * A LEFT JOIN clause attaching to each row of `left` the row of `table` (aliased `alias`, with
   * columns currency, date, rate) with the same currency and the latest date on or before the row's.
   */
  latestRateJoin(left: string, currencyCol: string, dateCol: string, table: string, alias: string): string;
  /** The instant at which the local wall time `localExpr` (text 'YYYY-MM-DD HH:MM:SS') occurs in time zone `tzExpr`. */
  localToInstant(localExpr: string, tzExpr: string): string;
  /** Aggregates: rows where the condition holds; the sum of an expression over them; the value at the largest `by`. */
  countIf(cond: string): string;
  /** The natural logarithm. */
  ln(x: string): string;
  sumIf(expr: string, cond: string): string;
  argMax(valueExpr: string, byExpr: string): string;
  /** The exact median of an expression (an aggregate). */
  median(expr: string): string;
  /** The q-quantile (0–1, interpolated) of an expression, NULLs ignored (an aggregate). */
  quantile(expr: string, q: number): string;
  /**
   * The local calendar day of an instant as a day number (days since 1970-01-01) in a time zone
   * given by name (a checked setting, quoted by the dialect).
   */
  localDay(tsExpr: string, timezone: string): string;
  /** An instant plus a whole number of days (negative to go back). */
  addDays(tsExpr: string, days: number): string;
  /** The instant as long before `a` as `b` is after it (the start of the previous window of equal length). */
  mirrorBefore(a: string, b: string): string;
  /** An instant plus a number of seconds given as an expression (a duration column; NULL stays NULL). */
  plusSeconds(tsExpr: string, secondsExpr: string): string;
  /** Seconds from instant a to instant b. */
  secondsBetween(a: string, b: string): string;
  /** The current instant. */
  nowUtc(): string;
  /** Lower-case. */
  lower(textExpr: string): string;
}
