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
    const norm = e === null ? 'CAST(NULL AS VARCHAR)' : `NULLIF(trim(${e}), '')`;
    return `${fd.kind === 'enum' || fd.kind === 'currency' ? d.lowerTrim(norm) : norm} AS ${tx(fd.name)}`;
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
  let fxJoin = '';
  let fxCols = '';
  if (t.fx) {
    const cur = `coalesce(${d.ident(t.fx.currencyField)}, ${d.str(ctx.currency)})`;
    const date = `CAST(${d.ident(t.fx.dateField)} AS DATE)`;
    l2.push(`${cur} AS _cur`, `${date} AS _fxdate`);
    fxJoin = d.latestRateJoin('p', '_cur', '_fxdate', 'fx_rates', 'fx');
    fxCols = `, CAST(CASE WHEN p._cur = ${d.str(ctx.currency)} THEN 1.0 ELSE fx.rate END AS DOUBLE) AS _rate`;
    reasons.push(
      `CASE WHEN p._cur <> ${d.str(ctx.currency)} AND p._fxdate IS NOT NULL AND fx.rate IS NULL THEN ` +
        d.concat([
          d.str(`${t.fx.currencyField}: no FX rate for `),
          'p._cur',
          d.str(' on or before '),
          'CAST(p._fxdate AS VARCHAR)',
          d.str(' (import fx_rates, then run retain quarantine retry)'),
        ]) +
        ` END`,
    );
  }
  if (ctx.extraFieldsColumn) {
    reasons.push(
      `CASE WHEN p.${ctx.extraFieldsColumn} IS NOT NULL THEN ${d.str('record has more fields than the header (check the delimiter and quoting)')} END`,
    );
  }
  const keyText = d.concat(t.key.flatMap((k, i) => (i ? [d.str('|'), `coalesce(${tx(k)}, '')`] : [`coalesce(${tx(k)}, '')`])));
  const rejected = `${d.listLength('_reasons')} > 0`;
  // Only what the next steps need leaves this query: the staged text is dropped here.
  const out = ['_row', ...t.fields.map((fd) => d.ident(fd.name)), ...(t.fx ? ['_rate'] : []), '_reasons'];
  return `SELECT ${out.join(', ')}, ${ctx.fileExpr} AS _file, CASE WHEN ${rejected} THEN ${rawExpr} END AS _raw, CASE WHEN ${rejected} THEN ${keyText} END AS _key
  FROM (SELECT p.*${fxCols}, ${d.listOfNonNull(reasons)} AS _reasons
    FROM (SELECT *, ${l2.join(', ')}
      FROM (SELECT *, ${l1.join(', ')} FROM ${source}) l1) p ${fxJoin}) l3`;
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
