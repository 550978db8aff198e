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
import { requiredUnlessMessage, type TableDef } from '../schema/tables.js';
import { describeDateFormat, HINT_DATE_FORMATS, HINT_NUMBER_OPTIONS, validCombination, type ParseOptions } from '../schema/parse-options.js';

export interface CheckContext {
  /** Workspace reporting currency. */
  currency: string;
  /** SQL over the source: why a record is broken as a whole, or NULL (see StagedFile). */
  recordError?: string | null;
  /** The file a record came from (a literal for an import, a column for a retry). */
  fileExpr: string;
  /** Whether the source carries `_row` (record numbers) to pass through. */
  rowColumn: boolean;
  /** Other columns of the source to pass through (the engine's numbering, a retry's `_line`). */
  keep?: readonly string[];
  /** How the file writes values (--date-format, --decimal-comma, …, the zone of offset-less timestamps). */
  parse?: ParseOptions;
  /** Whether a rejected value names the option that would read it (not for a preset: it fixes the format). */
  hints?: boolean;
}

/**
 * SELECT over `source` giving every field parsed under its own name, `_reasons` (NULL when the
 * row is good, else the list of reasons), `_naive` (whether a timestamp without an offset was read,
 * so in the zone), `_float_id` (the first identifier written as an integral decimal, `field "17850.0"`,
 * else NULL) and, for rejected rows only, `_raw` (rawExpr) and `_key` (the key as text).
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
  const parse = ctx.parse ?? {};
  const l1 = t.fields.map((fd) => {
    const e = text(fd.name);
    const norm = e === null ? 'CAST(NULL AS VARCHAR)' : `NULLIF(${e}, '')`;
    return `${fd.kind === 'enum' ? d.lower(norm) : norm} AS ${tx(fd.name)}`;
  });
  const l2 = t.fields.map((fd) => {
    const base = fd.kind === 'enum' ? tx(fd.name) : d.tryParse(fd.kind, tx(fd.name), parse);
    return `${fd.default !== undefined ? `coalesce(${base}, ${d.str(fd.default)})` : base} AS ${d.ident(fd.name)}`;
  });
  // Level 3 joins the FX table, so its references are qualified with p.
  const field = (name: string) => `p.${d.ident(name)}`;
  const ptx = (name: string) => `p.${tx(name)}`;
  const reasons = t.fields.flatMap((fd) => fieldReasons(d, fd, ptx(fd.name), field(fd.name), parse, ctx.hints ?? true));

  if (t.rangeBy) {
    const r = t.rangeBy;
    for (const [kind, range] of Object.entries(r.ranges)) {
      // A scale that is itself invalid is ignored (and reported on its own), as the zod validator does.
      const scaleValues = t.fields.find((f) => f.name === range.maxField)?.values;
      const scale = range.maxField && scaleValues ? `CASE WHEN ${field(range.maxField)} IN (${scaleValues.join(', ')}) THEN ${field(range.maxField)} END` : range.maxField ? field(range.maxField) : '';
      const max = range.maxField ? `coalesce(${scale}, ${range.max})` : String(range.max);
      const shown = range.maxField ? `${range.min}–${range.maxField} (${range.max} when empty)` : `${range.min}–${range.max}`;
      reasons.push([
        `${field(r.by)} = ${d.str(kind)} AND (${field(r.field)} < ${range.min} OR ${field(r.field)} > ${max})`,
        d.concat([d.str(`${r.field}: `), d.quoteForMessage(ptx(r.field)), d.str(` is outside the ${kind} scale ${shown}`)]),
      ]);
    }
  }
  for (const r of t.requiredUnless ?? []) {
    reasons.push([`${ptx(r.field)} IS NULL AND ${ptx(r.unless)} IS NULL`, d.str(requiredUnlessMessage(r))]);
  }
  // FX needs a join, and a join does not keep file order (which numbers the records): the rate
  // and its reason are added afterwards by fxQuery, over the numbered rows. The verbatim copy is
  // kept for foreign-currency rows too, since fxQuery may reject them.
  let keepRaw = '';
  if (t.fx) {
    keepRaw = ` OR coalesce(${d.ident(t.fx.currencyField)}, ${d.str(ctx.currency)}) <> ${d.str(ctx.currency)}`;
  }
  // A record broken as a whole is reported first.
  if (ctx.recordError) reasons.unshift([`(${ctx.recordError}) IS NOT NULL`, ctx.recordError]);
  const keyText = d.concat(t.key.flatMap((k, i) => (i ? [d.str('|'), `coalesce(${tx(k)}, '')`] : [`coalesce(${tx(k)}, '')`])));
  const rejected = `_reasons IS NOT NULL${keepRaw}`;
  // Only what the next steps need leaves this query: the staged text is dropped here.
  const out = [...(ctx.rowColumn ? ['_row'] : []), ...(ctx.keep ?? []), ...t.fields.map((fd) => d.ident(fd.name)), '_reasons'];
  return `SELECT ${out.join(', ')}, ${naive(d, t, tx)} AS _naive, ${floatId(d, t, tx)} AS _float_id, CASE WHEN ${rejected} THEN ${ctx.fileExpr} END AS _file, CASE WHEN ${rejected} THEN ${rawExpr} END AS _raw, CASE WHEN ${rejected} THEN ${keyText} END AS _key
  FROM (SELECT p.*, ${reasonsList(d, reasons)} AS _reasons
    FROM (SELECT *, ${l2.join(', ')}
      FROM (SELECT *, ${l1.join(', ')} FROM ${source}) l1) p) l3`;
}

/** Columns of the numbered checked rows, as checkQuery produces them (plus `_row` and the file line `_line`). */
export function checkedColumns(d: Dialect, t: TableDef): string[] {
  return ['_row', '_line', ...t.fields.map((f) => d.ident(f.name)), '_reasons', '_naive', '_float_id', '_file', '_raw', '_key'];
}

/**
 * The checked rows with the FX rate of each (`_rate`, reporting currency per unit) and, where
 * a foreign-currency row has no rate on or before its date, that reason added. Rows in the
 * reporting currency (nearly all, usually) bypass the join.
 */
export function fxQuery(d: Dialect, t: TableDef, source: string, ctx: { currency: string; foreignRows: boolean }): string {
  if (!t.fx) return `SELECT * FROM ${source}`;
  // With no foreign-currency row (the usual case), the join and the UNION are skipped entirely.
  if (!ctx.foreignRows) return `SELECT *, CAST(1.0 AS DOUBLE) AS _rate FROM ${source}`;
  const cols = checkedColumns(d, t).filter((c) => c !== '_reasons');
  const ws = d.str(ctx.currency);
  const cur = foreignCurrency(d, t, ctx.currency);
  const reason = d.concat([
    d.str(`${t.fx.currencyField}: no FX rate for `),
    'p._cur',
    d.str(' on or before '),
    'CAST(p._fxdate AS VARCHAR)',
    d.str(` (the workspace reports in ${ctx.currency}: import fx_rates, then run retain quarantine retry; or, if `),
    'p._cur',
    d.str(' is your currency, retain config set currency '),
    'p._cur',
    d.str(' before importing)'),
  ]);
  return `SELECT ${cols.join(', ')}, CAST(1.0 AS DOUBLE) AS _rate, _reasons FROM ${source} WHERE ${cur} = ${ws}
    UNION ALL
    SELECT ${cols.map((c) => `p.${c}`).join(', ')}, CAST(fx.rate AS DOUBLE) AS _rate,
      CASE WHEN fx.rate IS NULL AND p._fxdate IS NOT NULL THEN ${d.listAppend(`coalesce(p._reasons, ${d.listOfNonNull([])})`, reason)} ELSE p._reasons END AS _reasons
    FROM (SELECT *, ${cur} AS _cur, CAST(${d.ident(t.fx.dateField)} AS DATE) AS _fxdate FROM ${source} WHERE ${cur} <> ${ws}) p
    ${d.latestRateJoin('p', '_cur', '_fxdate', 'fx_rates', 'fx')}`;
}

/** A row's currency, the reporting currency when empty. */
export function foreignCurrency(d: Dialect, t: TableDef, currency: string): string {
  return t.fx ? `coalesce(${d.ident(t.fx.currencyField)}, ${d.str(currency)})` : d.str(currency);
}

/** A rejection rule: the condition (true when the row breaks it) and the message. */
type Reason = readonly [cond: string, message: string];

/** Whether any timestamp of the row was read from a text without an offset (and so in the zone). */
function naive(d: Dialect, t: TableDef, tx: (name: string) => string): string {
  const conds = t.fields.filter((f) => f.kind === 'timestamp').map((f) => `(${d.ident(f.name)} IS NOT NULL AND NOT ${d.hasOffset(tx(f.name))})`);
  return conds.length ? `coalesce(${conds.join(' OR ')}, FALSE)` : 'FALSE';
}

/**
 * The first identifier of the row written as an integral decimal (`17850.0`, as spreadsheets
 * write numbers), as `field "text"`: the text --normalize-ids would change.
 */
function floatId(d: Dialect, t: TableDef, tx: (name: string) => string): string {
  const ids = t.fields.filter((f) => f.kind === 'id');
  if (!ids.length) return d.nullText;
  const whens = ids.map((f) => `WHEN ${d.tryParse('id', tx(f.name), { normalizeIds: true })} <> ${tx(f.name)} THEN ${d.concat([d.str(`${f.name} `), d.quoteForMessage(tx(f.name))])}`);
  return `CASE ${whens.join(' ')} END`;
}

/**
 * Why the options would read a value the current ones do not: `(use --decimal-comma)`, `(if the
 * file writes dates as month/day/year, use --date-format %m/%d/%Y)`, or '' when none would. Each
 * candidate is tried in SQL on the value itself, so a hint is never a guess. Dates name every
 * order that reads the value (03/04/2025 reads as month/day and as day/month); numbers name the
 * first, fewest options first.
 */
function formatHint(d: Dialect, fd: FieldDef, t: string, parse: ParseOptions): string {
  const reads = (o: ParseOptions) => `${d.tryParse(fd.kind, t, { ...parse, ...o })} IS NOT NULL`;
  let hint: string | null = null;
  if (fd.kind === 'timestamp' || fd.kind === 'date') {
    const byOrder = new Map<string, string[]>();
    for (const f of HINT_DATE_FORMATS) {
      if (f === parse.dateFormat || (fd.kind === 'date' && f.includes('%H'))) continue;
      byOrder.set(describeDateFormat(f), [...(byOrder.get(describeDateFormat(f)) ?? []), f]);
    }
    const orders = [...byOrder].map(([order, fs]) => {
      const say = (f: string) => d.str(`if the file writes dates as ${order}, use --date-format ${f.includes(' ') ? `"${f}"` : f}`);
      return `CASE ${fs.map((f) => `WHEN ${reads({ dateFormat: f })} THEN ${say(f)}`).join(' ')} END`;
    });
    hint = d.joinNonNull(orders, '; or ');
  } else if (fd.kind === 'money' || fd.kind === 'decimal') {
    const tries = HINT_NUMBER_OPTIONS.filter((h) => validCombination({ ...parse, ...h.opts }));
    if (tries.length) hint = `CASE ${tries.map((h) => `WHEN ${reads(h.opts)} THEN ${d.str(`use ${h.say}`)}`).join(' ')} END`;
  }
  return hint === null ? d.str('') : `(CASE WHEN NULLIF(${hint}, '') IS NOT NULL THEN ${d.concat([d.str(' ('), hint, d.str(')')])} ELSE '' END)`;
}

/** Reasons for one field, from its text `t` and parsed value `p`. */
function fieldReasons(d: Dialect, fd: FieldDef, t: string, p: string, parse: ParseOptions, hints: boolean): Reason[] {
  const msg = (s: string) => d.concat([d.str(`${fd.name}: `), d.quoteForMessage(t), d.str(` ${s}`)]);
  const out: Reason[] = [];
  if (fd.required) out.push([`${t} IS NULL`, d.str(`${fd.name}: missing (required)`)]);
  if (fd.kind === 'enum') {
    const values = fd.values ?? [];
    out.push([`${t} IS NOT NULL AND ${p} NOT IN (${values.map(d.str).join(', ')})`, msg(`is not one of ${values.join(', ')}`)]);
    return out;
  }
  const expected = EXPECTED[fd.kind];
  if (expected) out.push([`${t} IS NOT NULL AND ${p} IS NULL`, hints ? d.concat([msg(`is not ${expected}`), formatHint(d, fd, t, parse)]) : msg(`is not ${expected}`)]);
  if (fd.min !== undefined) {
    const op = fd.exclusiveMin ? '<=' : '<';
    const word = fd.exclusiveMin ? `must be greater than ${fd.min}` : fd.min === 0 ? 'is negative' : `is below ${fd.min}`;
    out.push([`${p} ${op} ${fd.min}`, msg(word)]);
  }
  if (fd.values && fd.kind === 'integer') {
    out.push([`${p} NOT IN (${fd.values.join(', ')})`, msg(`is not one of ${fd.values.join(', ')}`)]);
  }
  if (fd.kind === 'timestamp' && !fd.future) out.push([`${p} > ${d.nowPlusMinutes(CLOCK_SKEW_MINUTES)}`, msg('is in the future')]);
  return out;
}

/**
 * `_reasons`: NULL for a good row (the common case, so the list is built only for bad ones),
 * else the list of every broken rule's message.
 */
function reasonsList(d: Dialect, reasons: readonly Reason[]): string {
  if (!reasons.length) return 'NULL';
  const any = reasons.map(([c]) => `coalesce(${c}, FALSE)`).join(' OR ');
  return `CASE WHEN ${any} THEN ${d.listOfNonNull(reasons.map(([c, m]) => `CASE WHEN ${c} THEN ${m} END`))} END`;
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
