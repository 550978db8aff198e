/**
 * The one place where values become ClickHouse SQL text. The ClickHouse the project supports
 * (18.16 and later) has no server-side query parameters, so a bound value ($1, $2, … in the SQL
 * the layers above build) is replaced here by a typed literal, CAST('…' AS Type), its text escaped
 * for a ClickHouse string literal. Nothing else in the engine splices a value into SQL.
 */
import { UsageError } from '../../errors.js';
import type { Param } from '../../warehouse.js';

/**
 * A ClickHouse string literal. Inside '…' a backslash starts an escape and a quote ends the
 * string, so both are escaped with a backslash; control characters are written as escapes so no
 * raw byte of the value reaches the parser except printable text.
 */
export function stringLiteral(value: string): string {
  let out = "'";
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + "'";
}

/** A bound value as a typed literal: text as String, whole numbers as Int64, others as Float64 (bit-exact). */
export function literal(v: Param): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `CAST(${stringLiteral(v)} AS String)`;
  if (typeof v === 'boolean') return `CAST(${v ? "'1'" : "'0'"} AS UInt8)`;
  if (typeof v === 'bigint') return `CAST('${v.toString()}' AS Int64)`;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new UsageError('bad-value', 'An invalid date cannot be sent to ClickHouse.');
    return `toDateTime(${stringLiteral(v.toISOString().slice(0, 19).replace('T', ' '))}, 'UTC')`;
  }
  if (!Number.isFinite(v)) throw new UsageError('bad-value', `The number ${v} cannot be sent to ClickHouse.`);
  if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return `CAST('${v}' AS Int64)`;
  // 18.16 parses a float from text to within an ulp, not exactly: its eight bytes are exact.
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(v);
  return `reinterpretAsFloat64(unhex('${bytes.toString('hex').toUpperCase()}'))`;
}

/**
 * The SQL with each $n outside quoted text replaced by the literal of params[n − 1]. Quoted
 * strings ('…'), quoted identifiers ("…", `…`) and comments are copied unchanged, so a $1 inside
 * a value already written into the SQL stays text. A placeholder without a value is an error.
 */
export function bindParams(sql: string, params: readonly Param[]): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = quotedEnd(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      const n = Number(sql.slice(i + 1, j));
      if (n < 1 || n > params.length) throw new UsageError('bad-parameter', `The query uses $${n} but ${params.length} values were bound.`);
      out += literal(params[n - 1]!);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index just past the quoted text starting at `start` (backslash escapes and doubled quotes both allowed). */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}
