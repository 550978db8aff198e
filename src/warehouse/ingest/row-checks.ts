/**
 * What an ingested row is checked for before the table's own rules (schema/zod.ts): its size,
 * that it is an object of the table's fields, and its optional `sent_at`, which corrects the
 * client's clock. And how a validator's reason ("field: what is wrong") becomes the answer's
 * `{ field, code, message }`: codes are stable words a client can branch on, read off the same
 * messages both validators write.
 */
import { parseTimestamp } from '../schema/zod.js';
import type { TableDef } from '../schema/tables.js';
import { didYouMean } from '../suggest.js';

/** The largest row accepted, serialized as JSON (UTF-8 bytes). */
export const MAX_ROW_BYTES = 64 * 1024;
/** The row field that says when the client sent the row, by its own clock (not stored). */
export const SENT_AT = 'sent_at';

export interface Rejection {
  /** The row's position in the batch, from 0. */
  index: number;
  /** The field at fault, or null when the row as a whole is. */
  field: string | null;
  code: string;
  /** Every reason, as the import would write them in its quarantine. */
  message: string;
}

/** A row ready for the table's rules, as the JSON text they read; or why it is not even that. */
export type Prepared = { ok: true; json: string } | { ok: false; rejection: Rejection };

/** Field names by table, looked up for every row. */
const FIELD_NAMES = new Map<TableDef, ReadonlySet<string>>();

/**
 * Check a row's shape and apply `sent_at`: the time field becomes
 * received_at − (sent_at − timestamp), i.e. the row's age by the client's clock measured back
 * from when the server received it, so a client whose clock is off by hours still stores the
 * right instant. Without `sent_at` the row is taken as written (its JSON text, serialized once
 * for the size check, is what is staged).
 */
export function prepareRow(t: TableDef, raw: unknown, index: number, receivedAt: Date, timezone: string): Prepared {
  const reject = (field: string | null, code: string, message: string): Prepared => ({ ok: false, rejection: { index, field, code, message } });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return reject(null, 'not_an_object', 'row is not a JSON object');
  const json = JSON.stringify(raw);
  // A UTF-8 byte is at most 3 per UTF-16 unit here: only a long text needs counting.
  const bytes = json.length * 3 <= MAX_ROW_BYTES ? json.length : Buffer.byteLength(json);
  if (bytes > MAX_ROW_BYTES) return reject(null, 'row_too_large', `row is ${bytes} bytes, more than the ${MAX_ROW_BYTES} a row may have`);
  const { [SENT_AT]: sentAt, ...row } = raw as Record<string, unknown>;
  let names = FIELD_NAMES.get(t);
  if (!names) FIELD_NAMES.set(t, (names = new Set(t.fields.map((f) => f.name))));
  // A misspelt field would otherwise be dropped without a word (a file's extra column is warned of).
  for (const k in row) {
    if (!names.has(k)) return reject(k, 'unknown_field', `${k}: is not a field of ${t.name}. ${didYouMean(k, [...names])}`.trim());
  }
  if (sentAt === undefined) return { ok: true, json };
  if (sentAt === null || sentAt === '' || !t.timeField) return { ok: true, json: JSON.stringify(row) };
  const sent = typeof sentAt === 'string' ? parseTimestamp(sentAt, { timezone }) : null;
  if (!sent) return reject(SENT_AT, 'invalid_timestamp', `${SENT_AT}: ${JSON.stringify(String(sentAt))} is not an ISO 8601 timestamp`);
  const value = row[t.timeField];
  const at = typeof value === 'string' ? parseTimestamp(value, { timezone }) : null;
  // An unreadable time field is left as written, for the table's rules to reject in their words.
  if (!at) return { ok: true, json: JSON.stringify(row) };
  return { ok: true, json: JSON.stringify({ ...row, [t.timeField]: new Date(receivedAt.getTime() - (sent.getTime() - at.getTime())).toISOString() }) };
}

/** The code of each kind of reason, by the words both validators end it with. */
const CODES: readonly [RegExp, string][] = [
  [/: missing \(required/, 'required'],
  [/is not an ISO 8601 timestamp/, 'invalid_timestamp'],
  [/is in the future/, 'in_future'],
  [/is not a date/, 'invalid_date'],
  [/is outside the .* scale|is negative|is below|must be greater than/, 'out_of_range'],
  [/is not a whole number/, 'invalid_integer'],
  [/is not a number/, 'invalid_number'],
  [/is not one of/, 'invalid_choice'],
  [/is not a three-letter currency code/, 'invalid_currency'],
  [/is not true or false/, 'invalid_boolean'],
  [/is not a JSON object/, 'invalid_json'],
  [/no FX rate for/, 'no_fx_rate'],
];

/** A rejected row's answer from its reasons: the first reason names the field and code, the message keeps them all. */
export function rejectionOf(index: number, reasons: readonly string[]): Rejection {
  const first = reasons[0] ?? '';
  const field = /^([A-Za-z_][A-Za-z0-9_]*):/.exec(first)?.[1] ?? null;
  const code = CODES.find(([re]) => re.test(first))?.[1] ?? 'invalid';
  return { index, field, code, message: reasons.join('; ') };
}
