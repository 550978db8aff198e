/**
 * The bulk validator: from a table's declaration, the SQL that parses every field of a staged
 * (all-text) record and lists every reason the record is rejected. It speaks the same rule
 * vocabulary as the zod validator (../schema/zod.ts); test/validators-agree.test.ts checks
 * that both give the same verdict.
 *
 * The query is layered so each value is computed once per row: (1) the trimmed text of each
 * field, (2) the parsed value, (3) the reasons, read off the columns of (1) and (2).
 */
import type { Dialect } from '../dialect.js';
import { CLOCK_SKEW_MINUTES, type FieldDef } from '../schema/fields.js';
import type { TableDef } from '../schema/tables.js';

export interface CheckContext {
  /** Workspace reporting currency. */
  currency: string;
  /** A staged column that is non-NULL when a record has more fields than the header. */
  extraFieldsColumn?: string;
  /** The file a record came from (a literal for an import, a column for a retry). */
  fileExpr: string;
  /** Whether the source carries `_row` (record numbers) to pass through. */
  rowColumn: boolean;
}

/**
 * SELECT over `source` giving its columns, every field parsed under its own name (+ `_rate`
 * for FX tables), `_reasons` (a list, empty when the row is good) and, for rejected rows only,
 * `_raw` (rawExpr) and `_key` (the key as text).
 */
export function checkQuery(
  d: Dialect,
  t: TableDef,
  source: string,
  /** Text expression of each field in the staging source; a field absent from the file has none. */
  text: (field: string) => string | null,
  rawExpr: string,
  ctx: CheckContext,
): string {
  const tx = (name: string) => d.ident(`_t_${name}`);
  const l1 = t.fields.map((fd) => {
    const e = text(fd.name);
    const norm = e === null ? 'CAST(NULL AS VARCHAR)' : `NULLIF(${e}, '')`;
    return `${fd.kind === 'enum' ? d.lower(norm) : norm} AS ${tx(fd.name)}`;
  });
  const l2 = t.fields.map((fd) => {
    const base = fd.kind === 'enum' ? tx(fd.name) : d.tryParse(fd.kind, tx(fd.name));
    return `${fd.default !== undefined ? `coalesce(${base}, ${d.str(fd.default)})` : base} AS ${d.ident(fd.name)}`;
  });
  // Level 3 joins the FX table, so its references are qualified with p.
  const field = (name: string) => `p.${d.ident(name)}`;
  const ptx = (name: string) => `p.${tx(name)}`;
  const reasons = t.fields.flatMap((fd) => fieldReasons(d, fd, ptx(fd.name), field(fd.name)));

  if (t.rangeBy) {
    const r = t.rangeBy;
    for (const [kind, range] of Object.entries(r.ranges)) {
      const max = range.maxField ? `coalesce(${field(range.maxField)}, ${range.max})` : String(range.max);
      const shown = range.maxField ? `${range.min}–${range.maxField} (${range.max} when empty)` : `${range.min}–${range.max}`;
      reasons.push(
        `CASE WHEN ${field(r.by)} = ${d.str(kind)} AND (${field(r.field)} < ${range.min} OR ${field(r.field)} > ${max}) THEN ` +
          d.concat([d.str(`${r.field}: `), d.quoteForMessage(ptx(r.field)), d.str(` is outside the ${kind} scale ${shown}`)]) +
          ` END`,
      );
    }
  }
  // FX needs a join, and a join does not keep file order (which numbers the records): the rate
  // and its reason are added afterwards by fxQuery, over the numbered rows. The verbatim copy is
  // kept for foreign-currency rows too, since fxQuery may reject them.
  let keepRaw = '';
  if (t.fx) {
    l2.push(`coalesce(${d.ident(t.fx.currencyField)}, ${d.str(ctx.currency)}) AS _cur`, `CAST(${d.ident(t.fx.dateField)} AS DATE) AS _fxdate`);
    keepRaw = ` OR _cur <> ${d.str(ctx.currency)}`;
  }
  if (ctx.extraFieldsColumn) {
    reasons.push(
      `CASE WHEN p.${ctx.extraFieldsColumn} IS NOT NULL THEN ${d.str('record has more fields than the header (check the delimiter and quoting)')} END`,
    );
  }
  const keyText = d.concat(t.key.flatMap((k, i) => (i ? [d.str('|'), `coalesce(${tx(k)}, '')`] : [`coalesce(${tx(k)}, '')`])));
  const rejected = `${d.listLength('_reasons')} > 0${keepRaw}`;
  // Only what the next steps need leaves this query: the staged text is dropped here.
  const out = [...(ctx.rowColumn ? ['_row'] : []), ...t.fields.map((fd) => d.ident(fd.name)), ...(t.fx ? ['_cur', '_fxdate'] : []), '_reasons'];
  return `SELECT ${out.join(', ')}, ${ctx.fileExpr} AS _file, CASE WHEN ${rejected} THEN ${rawExpr} END AS _raw, CASE WHEN ${rejected} THEN ${keyText} END AS _key
  FROM (SELECT p.*, ${d.listOfNonNull(reasons)} AS _reasons
    FROM (SELECT *, ${l2.join(', ')}
      FROM (SELECT *, ${l1.join(', ')} FROM ${source}) l1) p) l3`;
}

/** Columns of the numbered checked rows, as checkQuery produces them (plus `_row`). */
export function checkedColumns(d: Dialect, t: TableDef): string[] {
  return ['_row', ...t.fields.map((f) => d.ident(f.name)), ...(t.fx ? ['_cur', '_fxdate'] : []), '_reasons', '_file', '_raw', '_key'];
}

/**
 * The checked rows with the FX rate of each (`_rate`, reporting currency per unit) and, where
 * a foreign-currency row has no rate on or before its date, that reason added. Rows in the
 * reporting currency (nearly all, usually) bypass the join.
 */
export function fxQuery(d: Dialect, t: TableDef, source: string, ctx: { currency: string }): string {
  if (!t.fx) return `SELECT * FROM ${source}`;
  const cols = checkedColumns(d, t).filter((c) => c !== '_reasons');
  const reason = d.concat([
    d.str(`${t.fx.currencyField}: no FX rate for `),
    'p._cur',
    d.str(' on or before '),
    'CAST(p._fxdate AS VARCHAR)',
    d.str(' (import fx_rates, then run retain quarantine retry)'),
  ]);
  return `SELECT ${cols.join(', ')}, CAST(1.0 AS DOUBLE) AS _rate, _reasons FROM ${source} WHERE _cur = ${d.str(ctx.currency)}
    UNION ALL
    SELECT ${cols.map((c) => `p.${c}`).join(', ')}, CAST(fx.rate AS DOUBLE) AS _rate,
      CASE WHEN fx.rate IS NULL AND p._fxdate IS NOT NULL THEN ${d.listAppend('p._reasons', reason)} ELSE p._reasons END AS _reasons
    FROM (SELECT * FROM ${source} WHERE _cur <> ${d.str(ctx.currency)}) p ${d.latestRateJoin('p', '_cur', '_fxdate', 'fx_rates', 'fx')}`;
}

/** Reasons for one field, from its normalised text `t` and parsed value `p`. */
function fieldReasons(d: Dialect, fd: FieldDef, t: string, p: string): string[] {
  const msg = (s: string) => d.concat([d.str(`${fd.name}: `), d.quoteForMessage(t), d.str(` ${s}`)]);
  const out: string[] = [];
  if (fd.required) out.push(`CASE WHEN ${t} IS NULL THEN ${d.str(`${fd.name}: missing (required)`)} END`);
  if (fd.kind === 'enum') {
    const values = fd.values ?? [];
    out.push(`CASE WHEN ${t} IS NOT NULL AND ${p} NOT IN (${values.map(d.str).join(', ')}) THEN ${msg(`is not one of ${values.join(', ')}`)} END`);
    return out;
  }
  const expected = EXPECTED[fd.kind];
  if (expected) out.push(`CASE WHEN ${t} IS NOT NULL AND ${p} IS NULL THEN ${msg(`is not ${expected}`)} END`);
  if (fd.min !== undefined) {
    const op = fd.exclusiveMin ? '<=' : '<';
    const word = fd.exclusiveMin ? `must be greater than ${fd.min}` : fd.min === 0 ? 'is negative' : `is below ${fd.min}`;
    out.push(`CASE WHEN ${p} ${op} ${fd.min} THEN ${msg(word)} END`);
  }
  if (fd.values && fd.kind === 'integer') {
    out.push(`CASE WHEN ${p} NOT IN (${fd.values.join(', ')}) THEN ${msg(`is not one of ${fd.values.join(', ')}`)} END`);
  }
  if (fd.kind === 'timestamp') {
    out.push(`CASE WHEN ${p} > ${d.nowPlusMinutes(CLOCK_SKEW_MINUTES)} THEN ${msg('is in the future')} END`);
  }
  return out;
}

const EXPECTED: Partial<Record<FieldDef['kind'], string>> = {
  timestamp: 'an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)',
  date: 'a date (YYYY-MM-DD)',
  money: 'a number (use . for decimals, no currency signs or thousands separators)',
  decimal: 'a number (use . for decimals, no thousands separators)',
  integer: 'a whole number',
  boolean: 'true or false',
  json: 'a JSON object',
  currency: 'a three-letter currency code',
};
