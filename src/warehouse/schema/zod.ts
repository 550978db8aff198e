/**
 * The zod validator of each canonical table, generated from the same field declarations as the
 * DDL and the bulk validation SQL. It validates small inputs (one row, a JSON request body) in
 * the same terms as the bulk path: the same rules and the same "field: what is wrong" messages.
 * Rules that need the workspace (duplicates, FX rates, orphans) are the engine's.
 */
import { z } from 'zod';
import { CLOCK_SKEW_MINUTES, FALSE_WORDS, TRUE_WORDS, type FieldDef } from './fields.js';
import { requiredUnlessMessage, TABLES, type TableDef, type TableName } from './tables.js';
import type { Row } from './types.js';

// Surrounding spaces are allowed, as the engine's timestamp cast allows them.
const ISO = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/** An ISO 8601 text as an instant (a date alone, or no offset, is UTC); null when it is not one. */
export function parseTimestamp(text: string): Date | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y = '', mo = '', d = '', h = '00', mi = '00'] = m;
  const off = m[7];
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h}:${mi}:${m[6] ?? '00'}${off && off.toUpperCase() !== 'Z' ? normaliseOffset(off) : 'Z'}`;
  const date = new Date(iso);
  // Reject dates that roll over (2024-02-30).
  if (Number.isNaN(date.getTime()) || Number(d) > daysIn(Number(y), Number(mo))) return null;
  return date;
}

const normaliseOffset = (o: string) => (o.length === 3 ? `${o}:00` : o.includes(':') ? o : `${o.slice(0, 3)}:${o.slice(3)}`);
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

// Surrounding spaces are allowed around numbers (the engine's casts allow them too), not inside.
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function fieldSchema(fd: FieldDef): z.ZodType {
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
        const t = parseTimestamp(v);
        if (!t) return fail('is not an ISO 8601 timestamp (e.g. 2024-03-01 or 2024-03-01T14:30:00Z)');
        if (!fd.future && t.getTime() > Date.now() + CLOCK_SKEW_MINUTES * 60_000) return fail('is in the future');
        return t;
      }
      case 'date': {
        const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseTimestamp(v) : null;
        return t ?? fail('is not a date (YYYY-MM-DD)');
      }
      case 'money':
      case 'decimal':
      case 'integer': {
        if (!NUMBER.test(v)) {
          return fail(fd.kind === 'integer' ? 'is not a whole number' : 'is not a number (use . for decimals, no thousands separators)');
        }
        const n = Number(v);
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
export function rowSchema(t: TableDef) {
  return z.object(Object.fromEntries(t.fields.map((fd) => [fd.name, fieldSchema(fd)])));
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

/** Validate one row: the parsed, typed row, or every reason it is rejected. */
export function validateRow<N extends TableName>(table: N, row: Record<string, unknown>): { ok: true; row: Row<N> } | { ok: false; reasons: string[] } {
  const schema = ROW_SCHEMAS[table];
  const t = TABLES.find((x) => x.name === table);
  if (!schema || !t) throw new Error(`unknown table ${table}`);
  // Every field is looked at, present or not (an absent one is missing, like an empty one).
  const r = schema.safeParse(Object.fromEntries(t.fields.map((f) => [f.name, row[f.name] ?? null])));
  const reasons = [...(r.success ? [] : r.error.issues.map((i) => i.message)), ...rangeReasons(t, row), ...requiredUnlessReasons(t, row)];
  if (!r.success || reasons.length) return { ok: false, reasons };
  // Built from the same declaration as Row<N>, the parsed object has its shape; absent optional
  // fields are left out.
  return { ok: true, row: Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined)) as Row<N> };
}
