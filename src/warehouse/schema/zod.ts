/**
 * The zod validator of each canonical table, generated from the same field declarations as the
 * DDL and the bulk validation SQL. It validates small inputs (one row, a JSON request body) in
 * the same terms as the bulk path: the same rules and the same "field: what is wrong" messages.
 * Rules that need the workspace (duplicates, FX rates, orphans) are the engine's.
 */
import { z } from 'zod';
import { CLOCK_SKEW_MINUTES, FALSE_WORDS, TRUE_WORDS, type FieldDef } from './fields.js';
import { CURRENCY_AFFIX, INTEGRAL_DECIMAL, numberRegExp, OFFSET_AFTER_TIME, readsNumbersSpecially, type ParseOptions } from './parse-options.js';
import { requiredUnlessMessage, TABLES, type TableDef, type TableName } from './tables.js';
import type { Row } from './types.js';

// Surrounding spaces are allowed, as the engine's timestamp cast allows them.
const ISO = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * An ISO 8601 text as an instant (a date alone, or no offset, is wall time in `o.timezone`, UTC
 * when absent), or in `o.dateFormat` when the text is not ISO; null when it is neither.
 */
export function parseTimestamp(text: string, o: ParseOptions = {}): Date | null {
  const m = ISO.exec(text);
  if (!m) return o.dateFormat ? parseFormatted(text, o.dateFormat, o.timezone) : null;
  const [, y = '', mo = '', d = '', h = '00', mi = '00'] = m;
  const off = m[7];
  if (Number(d) > daysIn(Number(y), Number(mo))) return null; // dates that roll over (2024-02-30)
  if (!off && o.timezone && o.timezone !== 'UTC') return wallTime([y, mo, d, h, mi, m[6] ?? '00'].map(Number), o.timezone);
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h}:${mi}:${m[6] ?? '00'}${off && off.toUpperCase() !== 'Z' ? normaliseOffset(off) : 'Z'}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** What each strftime directive reads (as DuckDB's strptime does), and which part it is. */
const DIRECTIVES: Record<string, [pattern: string, part: number]> = {
  '%Y': ['(\\d{4})', 0],
  '%y': ['(\\d{2})', 0],
  '%m': ['(\\d{1,2})', 1],
  '%d': ['(\\d{1,2})', 2],
  '%H': ['(\\d{1,2})', 3],
  '%M': ['(\\d{1,2})', 4],
  '%S': ['(\\d{1,2})', 5],
  '%z': ['(Z|[+-]\\d{2}:?\\d{2})', 6],
};

/** A text in a strftime format (or the format's date part alone) as an instant, or null. */
function parseFormatted(text: string, format: string, zone = 'UTC'): Date | null {
  for (const f of [format, ...(format.includes(' ') ? [format.split(' ')[0] ?? ''] : [])]) {
    const parts: number[] = [NaN, 1, 1, 0, 0, 0];
    const order: number[] = [];
    const re = f.replace(/%[A-Za-z%]|[^%]+/g, (tok) => {
      const dir = DIRECTIVES[tok];
      if (dir) {
        order.push(dir[1]);
        return dir[0];
      }
      return (tok === '%%' ? '%' : tok).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    });
    const m = new RegExp(`^${re}$`).exec(text.trim());
    if (!m) continue;
    let offset: string | undefined;
    order.forEach((part, i) => {
      const v = m[i + 1] ?? '';
      if (part === 6) offset = v;
      else parts[part] = part === 0 && v.length === 2 ? 2000 + Number(v) : Number(v);
    });
    const [y = NaN, mo = 1, d = 1, h = 0, mi = 0, sec = 0] = parts;
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
    if (offset !== undefined) {
      const iso = `${String(y).padStart(4, '0')}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}${offset === 'Z' ? 'Z' : normaliseOffset(offset)}`;
      return new Date(iso);
    }
    return wallTime([y, mo, d, h, mi, sec], zone);
  }
  return null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The instant at which a wall time occurs in a zone (the zone's offset found by formatting, then checked once more across a change). */
function wallTime([y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0]: number[], zone: string): Date | null {
  if (d > daysIn(y, mo)) return null;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (zone === 'UTC') return new Date(asUtc);
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
        .formatToParts(new Date(t))
        .map((x) => [x.type, Number(x.value)]),
    );
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - t;
  };
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first));
}

const normaliseOffset = (o: string) => (o.length === 3 ? `${o}:00` : o.includes(':') ? o : `${o.slice(0, 3)}:${o.slice(3)}`);
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

// Surrounding spaces are allowed around numbers (the engine's casts allow them too), not inside.
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A number's text under the options (currency stripped, thousands dropped, decimal comma read), or null. */
function readNumber(v: string, o: ParseOptions): number | null {
  if (!readsNumbersSpecially(o)) return NUMBER.test(v) ? Number(v) : null;
  const x = o.stripCurrency ? v.trim().replace(new RegExp(CURRENCY_AFFIX, 'gu'), '') : v.trim();
  if (!numberRegExp(o).test(x)) return null;
  const plain = o.thousands ? x.replace(o.thousands === ' ' ? /[ \u00A0\u202F]/g : new RegExp(`[${o.thousands}]`, 'g'), '') : x;
  return Number(o.decimalComma ? plain.replace(',', '.') : plain);
}

const INTEGRAL = new RegExp(INTEGRAL_DECIMAL);
/** Whether a timestamp text carries its own offset (as Dialect.hasOffset tells in SQL). */
export const hasOffset = (v: string): boolean => new RegExp(OFFSET_AFTER_TIME.replace('(?i)', ''), 'i').test(v);

function fieldSchema(fd: FieldDef, o: ParseOptions = {}): z.ZodType {
  const msg = (v: unknown, s: string) => `${fd.name}: ${JSON.stringify(String(v))} ${s}`;
  // Empty values are missing: a required field then fails with "field: missing (required)".
  return z.unknown().transform((raw, ctx) => {
    if (raw === undefined || raw === null || raw === '') {
      if (fd.required) ctx.addIssue({ code: 'custom', message: `${fd.name}: missing (required)` });
      return undefined;
    }
    if (typeof raw === 'object' && fd.kind === 'json') return JSON.stringify(raw);
    const v = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    const fail = (s: string) => {
      ctx.addIssue({ code: 'custom', message: msg(v, s) });
      return z.NEVER;
    };
    switch (fd.kind) {
      case 'id':
        return o.normalizeIds ? v.replace(INTEGRAL, '$1') : v;
      case 'text':
        return v;
      case 'enum': {
        const lower = v.toLowerCase();
        return fd.values?.includes(lower) ? lower : fail(`is not one of ${fd.values?.join(', ')}`);
      }
      case 'currency':
        return /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : fail('is not a three-letter currency code');
      case 'boolean': {
        const w = v.toLowerCase();
        if ((TRUE_WORDS as readonly string[]).includes(w)) return true;
        if ((FALSE_WORDS as readonly string[]).includes(w)) return false;
        return fail('is not true or false');
      }
      case 'json': {
        try {
          const o = JSON.parse(v) as unknown;
          return typeof o === 'object' && o !== null && !Array.isArray(o) ? v : fail('is not a JSON object');
        } catch {
          return fail('is not a JSON object');
        }
      }
      case 'timestamp': {
        const t = parseTimestamp(v, o);
        if (!t) return fail('is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)');
        if (!fd.future && t.getTime() > Date.now() + CLOCK_SKEW_MINUTES * 60_000) return fail('is in the future');
        return t;
      }
      case 'date': {
        // Spaces around a date are allowed, as the engine's date cast allows them.
        const t = /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(v) ? parseTimestamp(v) : o.dateFormat ? parseFormatted(v, o.dateFormat) : null;
        return t ?? fail('is not a date (YYYY-MM-DD)');
      }
      case 'money':
      case 'decimal':
      case 'integer': {
        const n = fd.kind === 'integer' ? (NUMBER.test(v) ? Number(v) : null) : readNumber(v, o);
        if (n === null) {
          return fail(fd.kind === 'integer' ? 'is not a whole number' : 'is not a number (use . for decimals, no thousands separators)');
        }
        if (fd.kind === 'integer' && !Number.isInteger(n)) return fail('is not a whole number');
        if (fd.min !== undefined && (fd.exclusiveMin ? n <= fd.min : n < fd.min)) {
          return fail(fd.exclusiveMin ? `must be greater than ${fd.min}` : fd.min === 0 ? 'is negative' : `is below ${fd.min}`);
        }
        if (fd.kind === 'integer' && fd.values && !fd.values.includes(String(n))) return fail(`is not one of ${fd.values.join(', ')}`);
        return n;
      }
    }
  });
}

/** The row's own fields; the cross-field scale rule is checked by rangeReasons. */
export function rowSchema(t: TableDef, o: ParseOptions = {}) {
  return z.object(Object.fromEntries(t.fields.map((fd) => [fd.name, fieldSchema(fd, o)])));
}

/**
 * A score outside its survey's scale. Checked apart from the object schema so that, like the SQL
 * validator, it is reported alongside other fields' problems rather than only when they pass.
 */
function rangeReasons(t: TableDef, row: Record<string, unknown>): string[] {
  const r = t.rangeBy;
  if (!r) return [];
  const parsed = (name: string) => {
    const fd = t.fields.find((f) => f.name === name);
    const p = fd ? fieldSchema(fd).safeParse(row[name]) : undefined;
    return p?.success ? (p.data as unknown) : undefined;
  };
  const kind = parsed(r.by) as string | undefined;
  const score = parsed(r.field) as number | undefined;
  const range = kind === undefined ? undefined : r.ranges[kind];
  if (!range || score === undefined) return [];
  const max = range.maxField ? ((parsed(range.maxField) as number | undefined) ?? range.max) : range.max;
  if (score >= range.min && score <= max) return [];
  const shown = range.maxField ? `${range.min}–${range.maxField} (${range.max} when empty)` : `${range.min}–${range.max}`;
  return [`${r.field}: ${JSON.stringify(String(row[r.field]))} is outside the ${kind} scale ${shown}`];
}

/** A field empty while the field that would excuse it is empty too (requiredUnless). */
function requiredUnlessReasons(t: TableDef, row: Record<string, unknown>): string[] {
  const empty = (v: unknown) => v === undefined || v === null || v === '';
  return (t.requiredUnless ?? []).filter((r) => empty(row[r.field]) && empty(row[r.unless])).map(requiredUnlessMessage);
}

export const ROW_SCHEMAS: Readonly<Record<string, ReturnType<typeof rowSchema>>> = Object.fromEntries(
  TABLES.map((t) => [t.name, rowSchema(t)]),
);

/** Schemas built for parse options, by table and options: building one costs more than validating hundreds of rows with it. */
const WITH_OPTIONS = new Map<string, ReturnType<typeof rowSchema>>();
function schemaWith(t: TableDef, o: ParseOptions): ReturnType<typeof rowSchema> {
  const key = `${t.name}\u0000${JSON.stringify(o)}`;
  let s = WITH_OPTIONS.get(key);
  if (!s) {
    // Options come from a workspace's settings or a command's flags: few; the bound only guards memory.
    if (WITH_OPTIONS.size >= 256) WITH_OPTIONS.clear();
    WITH_OPTIONS.set(key, (s = rowSchema(t, o)));
  }
  return s;
}

/** Validate one row: the parsed, typed row, or every reason it is rejected. The options are the bulk import's (parse-options.ts). */
export function validateRow<N extends TableName>(table: N, row: Record<string, unknown>, o?: ParseOptions): { ok: true; row: Row<N> } | { ok: false; reasons: string[] } {
  const t = TABLES.find((x) => x.name === table);
  const schema = o && t ? schemaWith(t, o) : ROW_SCHEMAS[table];
  if (!schema || !t) throw new Error(`unknown table ${table}`);
  // Every field is looked at, present or not (an absent one is missing, like an empty one).
  const r = schema.safeParse(Object.fromEntries(t.fields.map((f) => [f.name, row[f.name] ?? null])));
  const reasons = [...(r.success ? [] : r.error.issues.map((i) => i.message)), ...rangeReasons(t, row), ...requiredUnlessReasons(t, row)];
  if (!r.success || reasons.length) return { ok: false, reasons };
  // Built from the same declaration as Row<N>, the parsed object has its shape; absent optional
  // fields are left out.
  return { ok: true, row: Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined)) as Row<N> };
}
