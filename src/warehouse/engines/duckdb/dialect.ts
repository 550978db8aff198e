/** DuckDB's spelling of the dialect's meanings. Imports no driver. */
import type { Dialect } from '../../dialect.js';
import { DECIMAL_SCALE, FALSE_WORDS, TRUE_WORDS, type FieldKind } from '../../schema/fields.js';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const str = (value: string) => `'${value.replaceAll("'", "''")}'`;
const words = (ws: readonly string[]) => ws.map(str).join(', ');
const DECIMAL = `DECIMAL(18, ${DECIMAL_SCALE})`;

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  ident,
  str,
  columnType(kind: FieldKind): string {
    switch (kind) {
      case 'timestamp':
        return 'TIMESTAMP'; // UTC wall time; time zones apply when bucketing
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
  tryParse(kind: FieldKind, e: string): string {
    const t = `trim(${e})`;
    switch (kind) {
      case 'timestamp':
        // TIMESTAMPTZ honours an explicit offset; the session time zone is UTC, so a value
        // without one (or a date alone) is read as UTC. Stored as the UTC wall time.
        // The TIMESTAMPTZ path is 4× slower, so it is taken only when an offset follows the
        // date (a '+' or '-' after position 11; a trailing Z needs no conversion).
        return `(CASE WHEN contains(substr(${t}, 12), '+') OR contains(substr(${t}, 12), '-') THEN TRY_CAST(${t} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' ELSE TRY_CAST(${t} AS TIMESTAMP) END)`;
      case 'date':
        return `TRY_CAST(${t} AS DATE)`;
      case 'money':
      case 'decimal':
        // Through DOUBLE first so exponents parse; NaN and infinities are not numbers here.
        return `(CASE WHEN isfinite(TRY_CAST(${t} AS DOUBLE)) THEN TRY_CAST(TRY_CAST(${t} AS DOUBLE) AS ${DECIMAL}) END)`;
      case 'integer':
        // Whole numbers only: "3.5" is rejected rather than rounded.
        return `(CASE WHEN TRY_CAST(${t} AS DOUBLE) = floor(TRY_CAST(${t} AS DOUBLE)) THEN TRY_CAST(TRY_CAST(${t} AS DOUBLE) AS BIGINT) END)`;
      case 'boolean':
        return `(CASE WHEN lower(${t}) IN (${words(TRUE_WORDS)}) THEN TRUE WHEN lower(${t}) IN (${words(FALSE_WORDS)}) THEN FALSE END)`;
      case 'json':
        return `(CASE WHEN json_valid(${t}) AND json_type(${t}) = 'OBJECT' THEN ${t} END)`;
      case 'currency':
        return `(CASE WHEN regexp_full_match(upper(${t}), '[A-Z]{3}') THEN upper(${t}) END)`;
      case 'id':
      case 'text':
      case 'enum':
        return t;
    }
  },
  latestRateJoin: (left, cur, date, table, alias) =>
    `ASOF LEFT JOIN ${ident(table)} ${alias} ON ${alias}.currency = ${left}.${cur} AND ${left}.${date} >= ${alias}.date`,
  nowUtc: () => `(now() AT TIME ZONE 'UTC')`,
  // A literal, computed once: a per-row time zone conversion of now() is not folded by DuckDB.
  nowPlusMinutes: (minutes) => `TIMESTAMP '${new Date(Date.now() + minutes * 60_000).toISOString().replace('T', ' ').slice(0, 23)}'`,
  isJsonObject: (e) => `(json_valid(${e}) AND json_type(${e}) = 'OBJECT')`,
  listOfNonNull: (exprs) =>
    exprs.length === 0 ? `[]::VARCHAR[]` : `list_filter([${exprs.join(', ')}]::VARCHAR[], x -> x IS NOT NULL)`,
  listLength: (e) => `len(${e})`,
  listAppend: (l, v) => `list_append(${l}, ${v})`,
  listToJson: (e) => `to_json(${e})::VARCHAR`,
  listJoin: (e, sep) => `array_to_string(${e}, ${str(sep)})`,
  concat: (exprs) => `concat(${exprs.join(', ')})`,
  quoteForMessage: (e) =>
    `('"' || CASE WHEN length(${e}) > 60 THEN left(${e}, 57) || '...' ELSE ${e} END || '"')`,
  jsonObject: (pairs) => `json_object(${pairs.map(([k, v]) => `${str(k)}, ${v}`).join(', ')})::VARCHAR`,
  jsonText: (e, key) => `json_extract_string(${e}, ${str('$.' + JSON.stringify(key))})`,
  hashText: (e) => `md5(${e})`,
  argMax: (v, by) => `arg_max(${v}, ${by})`,
  lowerTrim: (e) => `lower(trim(${e}))`,
};
