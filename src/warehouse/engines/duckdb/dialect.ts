/** DuckDB's spelling of the dialect's meanings. Imports no driver. */
import type { Dialect } from '../../dialect.js';
import { DECIMAL_SCALE, FALSE_WORDS, TRUE_WORDS, type FieldKind } from '../../schema/fields.js';
import { CURRENCY_AFFIX, INTEGRAL_DECIMAL, numberPattern, OFFSET_AFTER_TIME, readsNumbersSpecially, thousandsClass, type ParseOptions } from '../../schema/parse-options.js';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const str = (value: string) => `'${value.replaceAll("'", "''")}'`;
const words = (ws: readonly string[]) => ws.map(str).join(', ');
const DECIMAL = `DECIMAL(18, ${DECIMAL_SCALE})`;

/**
 * An ISO 8601 text as an instant. An explicit offset is honoured; without one (or for a date
 * alone, spaces around it allowed) the wall time is read in the zone — the session zone, UTC,
 * by the plain cast, which is the fast path.
 */
function isoInstant(e: string, zone = 'UTC'): string {
  if (zone === 'UTC') return `coalesce(TRY_CAST(${e} AS TIMESTAMPTZ), CAST(TRY_CAST(${e} AS DATE) AS TIMESTAMPTZ))`;
  const wall = `coalesce(TRY_CAST(${e} AS TIMESTAMP), CAST(TRY_CAST(${e} AS DATE) AS TIMESTAMP))`;
  return `(CASE WHEN ${duckdbDialect.hasOffset(e)} THEN TRY_CAST(${e} AS TIMESTAMPTZ) ELSE timezone(${str(zone)}, ${wall}) END)`;
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  canDelete: true,
  alwaysTrue: 'TRUE',
  nullText: 'CAST(NULL AS VARCHAR)',
  nullNumber: 'CAST(NULL AS DOUBLE)',
  ident,
  str,
  spreadRange: (rows, n) => `SELECT x.*, x.lo + r.k AS i FROM (${rows}) x JOIN (SELECT range AS k FROM range(0, ${Math.trunc(n)})) r ON r.k < x.hi - x.lo`,
  withNext: (rows, partition, order, columns, fallback) =>
    `SELECT ${[...partition, order, ...columns].join(', ')}, coalesce(lead(${order}) OVER (PARTITION BY ${partition.join(', ')} ORDER BY ${order}), ${fallback}) AS next FROM (${rows}) g`,
  splitByGap: (rows, partition, time, tiebreak, columns, gap) => {
    const order = `PARTITION BY ${partition} ORDER BY ${time}, ${tiebreak}`;
    return `SELECT ${[partition, time, tiebreak, ...columns].join(', ')},
        sum(CASE WHEN prev IS NULL OR epoch(${time}) - epoch(prev) > ${Number(gap)} THEN 1 ELSE 0 END) OVER (${order} ROWS UNBOUNDED PRECEDING) AS n
      FROM (SELECT v.*, lag(v.${time}) OVER (${order}) AS prev FROM (${rows}) v) e`;
  },
  withRanks: (rows, columns, ranks) =>
    `SELECT ${[...columns, ...ranks.map((r) => `rank() OVER (ORDER BY ${r.order}${r.descending ? ' DESC' : ''}) AS ${r.as}`)].join(', ')}, count(*) OVER () AS total FROM (${rows}) g`,
  groupWithPeriod: (bucket, keys, aggs, from) =>
    `SELECT ${bucket} AS bucket, ${keys.join(', ')}, ${aggs} FROM ${from} GROUP BY GROUPING SETS ((${bucket}, ${keys.join(', ')}), (${keys.join(', ')}))`,
  lookupTable: (name, select) => [`CREATE TEMP TABLE ${ident(name)} AS SELECT CAST(key AS VARCHAR) AS key, CAST(value AS VARCHAR) AS value FROM (${select}) l`],
  lookup: (name, key) => `(SELECT l.value FROM ${ident(name)} l WHERE l.key = ${key})`,
  temporaryTable: (name, select) => `CREATE TEMP TABLE ${ident(name)} AS ${select}`,
  join: (kind) => (kind === 'inner' ? 'JOIN' : kind === 'left' ? 'LEFT JOIN' : 'CROSS JOIN'),
  table: (name) => ident(name),
  portableText: (kind, e) =>
    kind === 'timestamp' ? `strftime(timezone('UTC', ${e}), '%Y-%m-%d %H:%M:%S')` : kind === 'boolean' ? `CAST(${e} AS INTEGER)` : e,
  columnType(kind: FieldKind): string {
    switch (kind) {
      case 'timestamp':
        return 'TIMESTAMPTZ'; // an instant; reports bucket it in the workspace time zone
      case 'date':
        return 'DATE';
      case 'money':
      case 'decimal':
        return DECIMAL;
      case 'integer':
        return 'BIGINT';
      case 'boolean':
        return 'BOOLEAN';
      case 'json':
      case 'id':
      case 'text':
      case 'enum':
      case 'currency':
        return 'VARCHAR';
    }
  },
  // Values are not trimmed (a trim per value costs a third of the validation time): the number and
  // timestamp casts skip surrounding spaces themselves; words (enums, currencies, booleans) must
  // match exactly, case aside, and are rejected with the value quoted when they do not. The
  // options' variants (parse-options.ts) trim, since strptime and the patterns do not skip spaces.
  tryParse(kind: FieldKind, e: string, o: ParseOptions = {}): string {
    switch (kind) {
      case 'timestamp': {
        const iso = isoInstant(e, o.timezone);
        if (!o.dateFormat) return iso;
        // A format with %z reads its own offset (TIMESTAMPTZ); any other gives a wall time, read in the zone.
        const formats = [o.dateFormat, ...(o.dateFormat.includes(' ') ? [o.dateFormat.split(' ')[0] ?? ''] : [])];
        const custom = formats.map((f) => (f.includes('%z') ? `try_strptime(trim(${e}), ${str(f)})` : `timezone(${str(o.timezone ?? 'UTC')}, try_strptime(trim(${e}), ${str(f)}))`));
        return `coalesce(${[...custom, iso].join(', ')})`;
      }
      case 'date': {
        const iso = `TRY_CAST(${e} AS DATE)`;
        return o.dateFormat ? `coalesce(CAST(try_strptime(trim(${e}), ${str(o.dateFormat)}) AS DATE), ${iso})` : iso;
      }
      case 'money':
      case 'decimal': {
        if (!readsNumbersSpecially(o)) return `TRY_CAST(${e} AS ${DECIMAL})`; // exponents parse; NaN and infinities do not
        const x = o.stripCurrency ? `regexp_replace(trim(${e}), ${str(CURRENCY_AFFIX)}, '', 'g')` : `trim(${e})`;
        const plain = o.thousands ? `regexp_replace(${x}, ${str(thousandsClass(o.thousands))}, '', 'g')` : x;
        const point = o.decimalComma ? `replace(${plain}, ',', '.')` : plain;
        return `(CASE WHEN regexp_full_match(${x}, ${str(numberPattern(o))}) THEN TRY_CAST(${point} AS ${DECIMAL}) END)`;
      }
      case 'integer':
        // Whole numbers only: a cast to BIGINT would round "3.5" instead of rejecting it.
        return `(CASE WHEN TRY_CAST(${e} AS DOUBLE) = floor(TRY_CAST(${e} AS DOUBLE)) THEN TRY_CAST(TRY_CAST(${e} AS DOUBLE) AS BIGINT) END)`;
      case 'boolean':
        return `(CASE WHEN lower(${e}) IN (${words(TRUE_WORDS)}) THEN TRUE WHEN lower(${e}) IN (${words(FALSE_WORDS)}) THEN FALSE END)`;
      case 'json':
        return `(CASE WHEN json_valid(${e}) AND starts_with(ltrim(${e}), '{') THEN ${e} END)`;
      case 'currency':
        return `(CASE WHEN regexp_full_match(${e}, '[A-Za-z]{3}') THEN upper(${e}) END)`;
      case 'id':
        return o.normalizeIds ? `regexp_replace(${e}, ${str(INTEGRAL_DECIMAL)}, '\\1')` : e;
      case 'text':
      case 'enum':
        return e;
    }
  },
  hasOffset: (e) => `regexp_matches(${e}, ${str(OFFSET_AFTER_TIME)})`,
  latestRateJoin: (left, cur, date, table, alias) =>
    `ASOF LEFT JOIN ${ident(table)} ${alias} ON ${alias}.currency = ${left}.${cur} AND ${left}.${date} >= ${alias}.date`,
  // timezone(zone, TIMESTAMP) reads the wall time in the zone (DST gaps and overlaps as ICU does).
  localToInstant: (local, tz) => `timezone(${tz}, CAST(${local} AS TIMESTAMP))`,
  countIf: (cond) => `count(*) FILTER (WHERE ${cond})`,
  ln: (x) => `ln(${x})`,
  sumIf: (e, cond) => `coalesce(sum(${e}) FILTER (WHERE ${cond}), 0)`,
  argMax: (v, by) => `arg_max(${v}, ${by})`,
  median: (e) => `quantile_cont(${e}, 0.5)`,
  quantile: (e, q) => `quantile_cont(${e}, ${Number(q)})`,
  // In UTC by epoch arithmetic: a per-row time zone conversion costs 1.1 s over 9M orders.
  localDay: (ts, tz) =>
    tz === 'UTC' ? `CAST(floor(epoch(${ts}) / 86400) AS INTEGER)` : `CAST(CAST(timezone(${str(tz)}, ${ts}) AS DATE) - DATE '1970-01-01' AS INTEGER)`,
  addDays: (ts, days) => `(${ts} + to_days(${Math.trunc(days)}))`,
  mirrorBefore: (a, b) => `(${a} - (${b} - ${a}))`,
  plusSeconds: (ts, secs) => `(${ts} + to_seconds(CAST(${secs} AS DOUBLE)))`,
  secondsBetween: (a, b) => `(epoch(${b}) - epoch(${a}))`,
  nowUtc: () => `now()`,
  // A literal, computed once: a per-row time zone conversion of now() is not folded by DuckDB.
  nowPlusMinutes: (minutes) => `TIMESTAMPTZ '${new Date(Date.now() + minutes * 60_000).toISOString()}'`,
  listOfNonNull: (exprs) =>
    exprs.length === 0 ? `[]::VARCHAR[]` : `list_filter([${exprs.join(', ')}]::VARCHAR[], x -> x IS NOT NULL)`,
  listAppend: (l, v) => `list_append(${l}, ${v})`,
  listToJson: (e) => `to_json(${e})::VARCHAR`,
  concat: (exprs) => `concat(${exprs.join(', ')})`,
  joinNonNull: (exprs, sep) => (exprs.length ? `concat_ws(${str(sep)}, ${exprs.join(', ')})` : `''`),
  quoteForMessage: (e) =>
    `('"' || CASE WHEN length(${e}) > 60 THEN left(${e}, 57) || '...' ELSE ${e} END || '"')`,
  jsonObject: (pairs) => `json_object(${pairs.map(([k, v]) => `${str(k)}, ${v}`).join(', ')})::VARCHAR`,
  jsonText: (e, key) => `json_extract_string(${e}, ${str('$.' + JSON.stringify(key))})`,
  jsonKeyRows: (e) => `unnest(json_keys(${e}))`,
  // from_json to a list of JSON, zipped with its subscripts by the two unnests of one SELECT list.
  jsonArrayRows: (e) => `SELECT generate_subscripts(_a, 1) AS _row, CAST(unnest(_a) AS VARCHAR) AS _json FROM (SELECT from_json(${e}, '["JSON"]') AS _a) _arr`,
  hash64: (exprs) => `hash(${exprs.join(', ')})`,
  hashText: (e) => `md5(${e})`,
  lower: (e) => `lower(${e})`,
};
