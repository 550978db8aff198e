/**
 * ClickHouse's spelling of the dialect's meanings, for ClickHouse 18.16 (the release Debian
 * packages) and later: no window functions, CTEs, FILTER, DateTime64 or JSONExtract there, so
 * aggregates use the -If combinators and JSON the visitParam functions. Imports no driver.
 */
import type { Dialect } from '../../dialect.js';
import { DECIMAL_SCALE, FALSE_WORDS, TRUE_WORDS, type FieldKind } from '../../schema/fields.js';
import { CURRENCY_AFFIX, INTEGRAL_DECIMAL, numberPattern, OFFSET_AFTER_TIME, readsNumbersSpecially, thousandsClass, type ParseOptions } from '../../schema/parse-options.js';
import { stringLiteral as str } from './literal.js';

const ident = (name: string) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
const words = (ws: readonly string[]) => ws.map(str).join(', ');
const DECIMAL = `Decimal(18, ${DECIMAL_SCALE})`;

/**
 * The q-quantile interpolated between the two nearest values (as DuckDB's quantile_cont): the
 * sorted values of the group, position (n − 1)·q. ClickHouse's own quantileExact picks one value.
 */
const interpolated = (e: string, q: number) => {
  const sorted = `arraySort(groupArray(${e}))`;
  const pos = `(length(${sorted}) - 1) * ${Number(q)}`;
  const at = (i: string) => `arrayElement(${sorted}, toUInt64(${i}) + 1)`;
  return `if(length(${sorted}) = 0, NULL, ${at(`floor(${pos})`)} + (${pos} - floor(${pos})) * (${at(`ceil(${pos})`)} - ${at(`floor(${pos})`)}))`;
};

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  canDelete: false,
  alwaysTrue: '1',
  nullText: 'CAST(NULL AS Nullable(String))',
  nullNumber: 'CAST(NULL AS Nullable(Float64))',
  ident,
  str,
  // 18.16 joins on equality only: the range becomes an array joined to its row.
  spreadRange: (rows) => `SELECT *, lo + k AS i FROM (${rows}) x ARRAY JOIN range(toUInt64(greatest(assumeNotNull(hi) - assumeNotNull(lo), 0))) AS k`,
  // No window functions in 18.16: each group's rows sorted into an array, the next order value
  // beside each by shifting the array of order values one place.
  withNext: (rows, partition, order, columns, fallback) => {
    const all = [order, ...columns];
    const picked = all.map((c, i) => `t.${i + 1} AS ${c}`).join(', ');
    return `SELECT ${partition.join(', ')}, ${picked}, next FROM (
      SELECT ${partition.join(', ')}, arraySort(x -> x.1, groupArray(tuple(${all.join(', ')}))) AS arr,
        arrayPushBack(arrayPopFront(arrayMap(x -> x.1, arr)), ${fallback}) AS nexts
      FROM (${rows}) g GROUP BY ${partition.join(', ')}) ARRAY JOIN arr AS t, nexts AS next`;
  },
  // Each partition's rows sorted into an array; a piece starts where the step from the previous
  // time (arrayDifference: no lambda reads the whole array, which ClickHouse would copy per
  // element) exceeds the limit, and the running count of starts numbers the pieces.
  splitByGap: (rows, partition, time, tiebreak, columns, gap) => {
    const all = [time, tiebreak, ...columns];
    return `SELECT ${partition}, ${all.map((c, i) => `t.${i + 1} AS ${c}`).join(', ')}, n FROM (
      SELECT ${partition}, arraySort(x -> (x.1, x.2), groupArray(tuple(${all.join(', ')}))) AS arr,
        arrayMap(x -> toInt64(x.1), arr) AS ts,
        arrayCumSum(arrayMap((step, i) -> if(i = 1 OR step > ${Number(gap)}, 1, 0), arrayDifference(ts), arrayEnumerate(ts))) AS ns
      FROM (${rows}) g GROUP BY ${partition}) ARRAY JOIN arr AS t, ns AS n`;
  },
  // All rows as one array. Per rank: (value, position) pairs sorted by value; within a run of
  // equal values arrayEnumerateUniq counts 1, 2, …, so place − count + 1 is the run's first place
  // (the rank ties share); sorted back by position, the ranks line up with the rows. No lambda
  // reads a whole array column (ClickHouse copies a captured array once per element: n²).
  withRanks: (rows, columns, ranks) => {
    const n = columns.length;
    const per = ranks.map((r, k) => [
      `${r.descending ? 'arrayReverseSort' : 'arraySort'}(x -> x.1, arrayMap((x, i) -> (x.${n + k + 1}, i), arr, arrayEnumerate(arr))) AS p${k}`,
      `arrayMap(x -> x.1, p${k}) AS sv${k}`,
      `arraySort((r, i) -> i, arrayMap((j, u) -> toUInt64(j - u + 1), arrayEnumerate(sv${k}), arrayEnumerateUniq(sv${k})), arrayMap(x -> x.2, p${k})) AS rk${k}`,
    ].join(', '));
    return `SELECT ${[...columns.map((c, i) => `t.${i + 1} AS ${c}`), ...ranks.map((r, k) => `q${k} AS ${r.as}`)].join(', ')}, total FROM (
      SELECT groupArray(tuple(${[...columns, ...ranks.map((r) => r.order)].join(', ')})) AS arr, length(arr) AS total, ${per.join(', ')}
      FROM (${rows}) g) ARRAY JOIN arr AS t, ${ranks.map((_r, k) => `rk${k} AS q${k}`).join(', ')}`;
  },
  // No GROUPING SETS in 18.16: the two groupings, the bucket made Nullable(Int64) in both so the union's types agree.
  groupWithPeriod: (bucket, keys, aggs, from) =>
    `SELECT toNullable(toInt64(${bucket})) AS bucket, ${keys.join(', ')}, ${aggs} FROM ${from} GROUP BY ${bucket}, ${keys.join(', ')}
    UNION ALL SELECT CAST(NULL AS Nullable(Int64)) AS bucket, ${keys.join(', ')}, ${aggs} FROM ${from} GROUP BY ${keys.join(', ')}`,
  // The Join engine keeps the table in memory as a hash map; joinGet reads it in any expression.
  lookupTable: (name, select) => [
    `CREATE TABLE ${ident(name)} (key String, value Nullable(String)) ENGINE = Join(ANY, LEFT, key)`,
    `INSERT INTO ${ident(name)} SELECT toString(key), CAST(value AS Nullable(String)) FROM (${select})`,
  ],
  // A Nullable key crashes 18.16's joinGet; no key is empty, so '' finds nothing (NULL), as a NULL key would.
  lookup: (name, key) => `joinGet(${str(name)}, 'value', ifNull(${key}, ''))`,
  join: (kind) => (kind === 'inner' ? 'ALL INNER JOIN' : kind === 'left' ? 'ALL LEFT JOIN' : 'CROSS JOIN'),
  table: (name) => `(SELECT * FROM ${ident(name)} FINAL)`,
  // DateTime('UTC') prints UTC wall time, UInt8 0/1: every stored value is already portable.
  portableText: (_kind, e) => e,
  columnType(kind: FieldKind): string {
    switch (kind) {
      case 'timestamp':
        return `DateTime('UTC')`; // seconds: 18.16 has no DateTime64
      case 'date':
        return 'Date';
      case 'money':
      case 'decimal':
        return DECIMAL;
      case 'integer':
        return 'Int64';
      case 'boolean':
        return 'UInt8';
      case 'json':
      case 'id':
      case 'text':
      case 'enum':
      case 'currency':
        return 'String';
    }
  },
  // Files bound for ClickHouse are checked in a DuckDB staging workspace (via-staging.ts), so these
  // parse imports only when a check runs here directly. The options are spelled here too, except
  // --date-format: 18.16 has no parseDateTime (a format string reader), and parseDateTimeBestEffort
  // would guess the order of day and month, which an option must never do.
  tryParse(kind: FieldKind, e: string, o: ParseOptions = {}): string {
    switch (kind) {
      case 'timestamp':
        if (o.dateFormat) throw new Error('ClickHouse 18.16 cannot read a --date-format: check the file in a DuckDB staging workspace.');
        // With a zone, a value without an offset is read in it; one with an offset keeps its own.
        return o.timezone ? `parseDateTimeBestEffortOrNull(${e}, ${str(o.timezone)})` : `parseDateTimeBestEffortOrNull(${e})`;
      case 'date':
        if (o.dateFormat) throw new Error('ClickHouse 18.16 cannot read a --date-format: check the file in a DuckDB staging workspace.');
        return `toDateOrNull(${e})`;
      case 'money':
      case 'decimal': {
        if (!readsNumbersSpecially(o)) return `toDecimal64OrNull(${e}, ${DECIMAL_SCALE})`;
        const x = o.stripCurrency ? `replaceRegexpAll(trimBoth(${e}), ${str(CURRENCY_AFFIX)}, '')` : `trimBoth(${e})`;
        const plain = o.thousands ? `replaceRegexpAll(${x}, ${str(thousandsClass(o.thousands))}, '')` : x;
        const point = o.decimalComma ? `replaceAll(${plain}, ',', '.')` : plain;
        return `(CASE WHEN match(${x}, ${str(numberPattern(o))}) THEN toDecimal64OrNull(${point}, ${DECIMAL_SCALE}) END)`;
      }
      case 'integer':
        return `(CASE WHEN toFloat64OrNull(${e}) = floor(toFloat64OrNull(${e})) THEN toInt64(toFloat64OrNull(${e})) END)`;
      case 'boolean':
        return `(CASE WHEN lower(${e}) IN (${words(TRUE_WORDS)}) THEN 1 WHEN lower(${e}) IN (${words(FALSE_WORDS)}) THEN 0 END)`;
      case 'json':
        return `(CASE WHEN startsWith(trimLeft(${e}), '{') THEN ${e} END)`;
      case 'currency':
        return `(CASE WHEN match(${e}, '^[A-Za-z]{3}$') THEN upper(${e}) END)`;
      case 'id':
        return o.normalizeIds ? `replaceRegexpOne(${e}, ${str(INTEGRAL_DECIMAL)}, '\\1')` : e;
      case 'text':
      case 'enum':
        return e;
    }
  },
  hasOffset: (e) => `match(${e}, ${str(OFFSET_AFTER_TIME)})`,
  latestRateJoin: (left, cur, date, table, alias) =>
    `ASOF LEFT JOIN ${ident(table)} ${alias} ON ${alias}.currency = ${left}.${cur} AND ${left}.${date} >= ${alias}.date`,
  localToInstant: (local, tz) => `toDateTime(${local}, ${tz})`,
  countIf: (cond) => `countIf(${cond})`,
  ln: (x) => `log(${x})`,
  sumIf: (e, cond) => `sumIf(${e}, ${cond})`,
  argMax: (v, by) => `argMax(${v}, ${by})`,
  median: (e) => interpolated(e, 0.5),
  quantile: (e, q) => interpolated(e, q),
  localDay: (ts, tz) => `toInt32(toDate(${ts}, ${str(tz)}))`,
  addDays: (ts, days) => `addDays(${ts}, ${Math.trunc(days)})`,
  mirrorBefore: (a, b) => `toDateTime(2 * toInt64(${a}) - toInt64(${b}), 'UTC')`,
  // DateTime has whole seconds only.
  plusSeconds: (ts, secs) => `addSeconds(${ts}, toInt64(round(toFloat64(${secs}))))`,
  secondsBetween: (a, b) => `(toInt64(${b}) - toInt64(${a}))`,
  nowUtc: () => `now()`,
  nowPlusMinutes: (minutes) => `toDateTime(${str(new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' '))}, 'UTC')`,
  listOfNonNull: (exprs) => (exprs.length === 0 ? `emptyArrayString()` : `arrayFilter(x -> isNotNull(x), [${exprs.map((e) => `CAST(${e} AS Nullable(String))`).join(', ')}])`),
  listAppend: (l, v) => `arrayPushBack(${l}, ${v})`,
  listToJson: (e) => `concat('[', arrayStringConcat(arrayMap(x -> concat('"', replaceAll(replaceAll(x, '\\\\', '\\\\\\\\'), '"', '\\\\"'), '"'), ${e}), ','), ']')`,
  concat: (exprs) => `concat(${exprs.join(', ')})`,
  joinNonNull: (exprs, sep) =>
    exprs.length ? `arrayStringConcat(arrayFilter(x -> isNotNull(x), [${exprs.map((e) => `CAST(${e} AS Nullable(String))`).join(', ')}]), ${str(sep)})` : `''`,
  quoteForMessage: (e) => `concat('"', if(lengthUTF8(${e}) > 60, concat(substringUTF8(${e}, 1, 57), '...'), ${e}), '"')`,
  jsonObject: (pairs) =>
    `concat('{', ${pairs.map(([k, v], i) => `${str((i ? ',' : '') + JSON.stringify(k) + ':')}, if(isNull(${v}), 'null', concat('"', replaceAll(replaceAll(assumeNotNull(${v}), '\\\\', '\\\\\\\\'), '"', '\\\\"'), '"'))`).join(', ')}, '}')`,
  // 18.16 has no JSONExtract: visitParam reads a top-level key of a flat object, which customer
  // attributes are.
  jsonText: (e, key) => `nullIf(visitParamExtractString(${e}, ${str(key)}), '')`,
  // Nor JSONExtractKeys: a key is a quoted string (escapes skipped whole) followed by a colon; a
  // string value never is one, since its closing quote is followed by a comma or the brace.
  jsonKeyRows: (e) => `arrayJoin(extractAll(assumeNotNull(${e}), ${str('"((?:[^"\\\\]|\\\\.)*)"\\s*:')}))`,
  jsonArrayRows: (e) => `SELECT _n AS _row, _e AS _json FROM (SELECT JSONExtractArrayRaw(${e}) AS _a) ARRAY JOIN _a AS _e, arrayEnumerate(_a) AS _n`,
  hash64: (exprs) => `cityHash64(${exprs.join(', ')})`,
  hashText: (e) => `hex(MD5(${e}))`,
  lower: (e) => `lower(${e})`,
};
