/**
 * A preset's mapping as SQL, through the Dialect: for each target table one SELECT over the
 * staged lines (columns `_row`, `c<i>` for the file's column i, `_err`) giving every canonical
 * field as text (in column fieldText(field)), plus `_row` and `_err`. That SELECT is then checked by the
 * same validation SQL as any import (validate-sql.ts), so presets add no rules of their own.
 * Conditions are never NULL here: a line a filter cannot decide on (a quantity that is not a
 * number) is kept where a part wants it, so validation rejects it with its reason, and not lost
 * between two parts that each exclude it.
 */
import type { Dialect } from '../../dialect.js';
import { UsageError } from '../../errors.js';
import type { TableDef } from '../../schema/tables.js';
import type { Cond, Expr, FieldSpec, Filter, Part, Preset } from './preset.js';

export interface CompileContext {
  readonly d: Dialect;
  /** The file's header, for column positions. */
  readonly columns: readonly string[];
  /** The time zone of `local` timestamps. */
  readonly timezone: string;
}

const FALSE = '(1 = 0)';

/**
 * The column of a part's rows holding a field's text: not the field's own name, which the
 * validation query gives the parsed value.
 */
export const fieldText = (field: string): string => `_p_${field}`;

/** The columns a preset reads that the file lacks (optional ones aside). */
export function missingColumns(p: Preset, columns: readonly string[]): string[] {
  const used = new Set<string>();
  const visit = (x: unknown): void => {
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.k === 'col' && !o.optional) used.add(String(o.name));
      for (const v of Object.values(o)) visit(v);
    }
  };
  visit(p.targets);
  return [...used].filter((c) => !columns.includes(c));
}

export class Compiler {
  constructor(private readonly c: CompileContext) {}

  private colRef(name: string): string | null {
    const i = this.c.columns.indexOf(name);
    return i < 0 ? null : `c${i}`;
  }

  /** The text of an expression, NULL when empty. */
  text(e: Expr): string {
    const d = this.c.d;
    switch (e.k) {
      case 'col': {
        const ref = this.colRef(e.name);
        if (ref === null) return d.nullText;
        return `NULLIF(trim(${ref}), '')`;
      }
      case 'lit':
        return d.str(e.value);
      case 'lower':
        return d.lower(this.text(e.e));
      case 'upper':
        return `upper(${this.text(e.e)})`;
      case 'wholeId': {
        const x = this.text(e.e);
        return `(CASE WHEN ${x} LIKE '%.0' THEN substr(${x}, 1, length(${x}) - 2) ELSE ${x} END)`;
      }
      case 'unsigned': {
        const x = this.text(e.e);
        return `(CASE WHEN ${x} LIKE '-%' THEN substr(${x}, 2) ELSE ${x} END)`;
      }
      case 'time':
        // The instant as UTC text the validators read back; text that is no timestamp is kept as
        // it is, so the rejection quotes the file's value.
        return `(CASE WHEN ${this.instant(e)} IS NULL THEN ${this.text(e.e)} ELSE ${this.instantText(this.instant(e))} END)`;
      case 'plusMinutes': {
        // No duration, no instant (a ticket not yet answered); a duration that is no number is quoted.
        const [m, n] = [this.text(e.minutes), this.num(e.minutes)];
        return `(CASE WHEN ${m} IS NULL THEN ${d.nullText} WHEN ${n} IS NULL THEN ${m} WHEN ${this.instant(e)} IS NULL THEN ${this.text(e.e)} ELSE ${this.instantText(this.instant(e))} END)`;
      }
      case 'times':
      case 'over': {
        // An operand that is no number is passed on as it is, so the rejection quotes it.
        const [a, b] = [this.text(e.a), this.text(e.b)];
        const [na, nb] = [this.num(e.a), this.num(e.b)];
        return `(CASE WHEN ${na} IS NULL THEN ${a} WHEN ${nb} IS NULL THEN ${b} ELSE CAST(${na} ${e.k === 'times' ? '*' : '/'} ${nb} AS VARCHAR) END)`;
      }
      case 'map': {
        const x = this.text(e.e);
        const cases = Object.entries(e.values).map(([from, to]) => `WHEN ${d.lower(x)} = ${d.str(from.toLowerCase())} THEN ${d.str(to)}`);
        const otherwise = e.otherwise === undefined ? x : e.otherwise === null ? d.nullText : this.text(e.otherwise);
        return `(CASE ${cases.join(' ')} ELSE ${otherwise} END)`;
      }
      case 'concat': {
        const parts = e.parts.map((p) => this.text(p));
        // An identifier made of parts is missing when a part is (validation then says so).
        return `(CASE WHEN ${parts.map((p) => `${p} IS NULL`).join(' OR ')} THEN ${d.nullText} ELSE ${d.concat(parts)} END)`;
      }
      case 'coalesce':
        return `coalesce(${e.parts.map((p) => this.text(p)).join(', ')})`;
      case 'when':
        return `(CASE WHEN ${this.cond(e.cond)} THEN ${this.text(e.then)} ELSE ${e.else ? this.text(e.else) : d.nullText} END)`;
    }
  }

  /** The instant of a time expression (NULL when it does not parse). */
  instant(e: Expr): string {
    const d = this.c.d;
    if (e.k === 'plusMinutes') {
      const minutes = this.num(e.minutes);
      return `(CASE WHEN ${minutes} IS NULL THEN NULL ELSE ${d.plusSeconds(this.instant(e.e), `${minutes} * 60`)} END)`;
    }
    if (e.k !== 'time') throw new Error(`not a timestamp expression: ${e.k}`);
    const x = this.text(e.e);
    // Shopify writes "2025-10-07 09:50:26 +0200"; the engines read the offset without the space.
    if (e.zone === 'offset') return d.tryParse('timestamp', `replace(replace(${x}, ' +', '+'), ' -', '-')`);
    // A wall time: parsed as written (no offset, so as UTC), then read in the zone it was written in.
    const wall = d.portableText('timestamp', d.tryParse('timestamp', x));
    return d.localToInstant(wall, d.str(e.zone === 'utc' ? 'UTC' : this.c.timezone));
  }

  /** An instant as text both validators read as that instant: UTC wall time with a Z. */
  private instantText(inst: string): string {
    return this.c.d.concat([this.c.d.portableText('timestamp', inst), this.c.d.str('Z')]);
  }

  private num(e: Expr): string {
    return this.c.d.tryParse('decimal', this.text(e));
  }

  /** A condition, never NULL. */
  cond(c: Cond): string {
    const d = this.c.d;
    const sure = (sql: string) => `coalesce(${sql}, ${FALSE})`;
    switch (c.k) {
      case 'present':
        return `(${this.text(c.e)} IS NOT NULL)`;
      case 'negative':
        return sure(`${this.text(c.e)} LIKE '-%'`);
      case 'positive':
        return sure(`${this.num(c.e)} > 0`);
      case 'startsWith':
        return sure(`${this.text(c.e)} LIKE ${d.str(`${c.prefix}%`)}`);
      case 'in':
        return sure(`${d.lower(this.text(c.e))} IN (${c.values.map((v) => d.str(v.toLowerCase())).join(', ')})`);
      case 'not':
        return `(NOT ${this.cond(c.c)})`;
      case 'and':
      case 'or':
        return `(${c.cs.map((x) => this.cond(x)).join(c.k === 'and' ? ' AND ' : ' OR ')})`;
    }
  }

  private where(filters: readonly Filter[] = []): string {
    return filters.length ? filters.map((f) => this.cond(f.keep)).join(' AND ') : this.c.d.alwaysTrue;
  }

  /** A grouped field: taken from the group's lines by its aggregate. */
  private aggregate(spec: FieldSpec): string {
    const d = this.c.d;
    const { agg, e, onlyWhen } = 'agg' in spec ? spec : { agg: 'first' as const, e: spec, onlyWhen: undefined };
    const x = this.text(e);
    const firstOf = (v: string) => d.argMax(v, `CASE WHEN ${v} IS NULL THEN NULL ELSE -_row END`);
    if (agg === 'sum') {
      const total = `CAST(sum(${this.num(e)}) AS VARCHAR)`;
      if (!onlyWhen) return total;
      const values = onlyWhen.values.map((v) => d.str(v.toLowerCase())).join(', ');
      return `(CASE WHEN ${d.lower(firstOf(this.text(onlyWhen.e)))} IN (${values}) THEN ${total} ELSE '0' END)`;
    }
    if (agg === 'min') return `(CASE WHEN min(${this.instant(e)}) IS NULL THEN ${firstOf(x)} ELSE ${this.instantText(`min(${this.instant(e)})`)} END)`;
    return firstOf(x);
  }

  /** One part's rows: `_row`, its file line `_line`, `_err` and every field of the table (NULL where the part gives none). */
  part(t: TableDef, p: Part, lines: string): string {
    const d = this.c.d;
    for (const name of [...Object.keys(p.fields), ...(p.lineNumber ? [p.lineNumber.as] : [])]) {
      if (!t.fields.some((f) => f.name === name)) throw new Error(`preset field ${name} is not a field of ${t.name}`);
    }
    const where = this.where(p.where);
    if (p.groupBy) {
      const fields = t.fields.map((f) => `${p.fields[f.name] ? this.aggregate(p.fields[f.name]!) : d.nullText} AS ${d.ident(fieldText(f.name))}`);
      return `SELECT min(_row) AS _row, min(_line) AS _line, max(_err) AS _err, ${fields.join(', ')}
        FROM (SELECT *, ${this.text(p.groupBy)} AS _g FROM ${lines} l WHERE ${where}) l GROUP BY _g${p.anyLine ? ` HAVING max(CASE WHEN ${this.cond(p.anyLine)} THEN 1 ELSE 0 END) = 1` : ''}`;
    }
    const value = (name: string): string => {
      if (p.lineNumber?.as === name) {
        const n = 'CAST(_row - _first + 1 AS VARCHAR)';
        return p.lineNumber.prefixed ? `(CASE WHEN _g = '' THEN ${d.nullText} ELSE ${d.concat(['_g', d.str('-'), n])} END)` : n;
      }
      const spec = p.fields[name];
      if (!spec) return d.nullText;
      if ('agg' in spec) throw new Error(`preset field ${name}: an aggregate needs groupBy`);
      return this.text(spec);
    };
    const fields = t.fields.map((f) => `${value(f.name)} AS ${d.ident(fieldText(f.name))}`);
    if (!p.lineNumber) return `SELECT _row, _line, _err, ${fields.join(', ')} FROM ${lines} l WHERE ${where}`;
    // A line's number within its group: its record number less its group's first, plus one. Lines
    // without a group value join as the group '' (a join drops NULL keys), and validation then
    // rejects them for the missing field.
    const kept = `(SELECT *, coalesce(${this.text(p.lineNumber.within)}, '') AS _g FROM ${lines} l WHERE ${where})`;
    return `SELECT _row, _line, _err, ${fields.join(', ')} FROM ${kept} l
      ${d.join('inner')} (SELECT _g, min(_row) AS _first FROM ${kept} f GROUP BY _g) g USING (_g)`;
  }

  /** The lines each reasoned filter of a part drops (after the filters before it), as count queries. */
  skips(p: Part, lines: string): { reason: string; sql: string }[] {
    const filters = p.where ?? [];
    return filters.flatMap((f, i) =>
      f.reason ? [{ reason: f.reason, sql: `SELECT count(*) AS n FROM ${lines} l WHERE ${this.where(filters.slice(0, i))} AND NOT ${this.cond(f.keep)}` }] : [],
    );
  }
}

/** A readable error for a file that lacks columns a preset reads. */
export function missingColumnsError(p: Preset, file: string, missing: readonly string[], columns: readonly string[]): UsageError {
  return new UsageError(
    'missing-columns',
    `${file} has no column ${missing.map((m) => `"${m}"`).join(', ')}, which the ${p.name} preset reads.`,
    `Its columns: ${columns.join(', ')}. Export the file again with every column (see docs/presets/${p.name}.md).`,
  );
}
