/**
 * A canonical table's row as read from one engine, rendered for another's JSON input: instants as
 * UTC wall time to the second (ClickHouse 18.16's DateTime has no fractions), dates as YYYY-MM-DD,
 * booleans as 0/1, numbers as numbers, the rest as text.
 */
import type { FieldKind } from '../schema/fields.js';
import type { TableDef } from '../schema/tables.js';
import type { Row } from '../warehouse.js';

const render: Record<FieldKind, (v: unknown) => unknown> = {
  timestamp: (v) => String(v).slice(0, 19).replace('T', ' '),
  date: (v) => String(v).slice(0, 10),
  money: Number,
  decimal: Number,
  integer: Number,
  boolean: (v) => (v === true || v === 'true' || v === 1 || v === '1' ? 1 : 0),
  json: String,
  id: String,
  text: String,
  enum: String,
  currency: String,
};

export function portableRow(t: TableDef, r: Row): Row {
  const out: Row = {};
  for (const f of t.fields) {
    const v = r[f.name];
    out[f.name] = v === null || v === undefined ? null : render[f.kind](v);
  }
  if (t.fx) out._rate = Number(r._rate);
  return out;
}
