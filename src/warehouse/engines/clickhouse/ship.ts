/**
 * Rows of canonical tables from another workspace (the embedded engine that validated them) into
 * ClickHouse, values rendered as ClickHouse's JSON input reads each field kind. The import into a
 * ClickHouse workspace ends with this step; tests use it to load one fixture into both engines.
 */
import { TABLES, type TableDef } from '../../schema/tables.js';
import type { FieldKind } from '../../schema/fields.js';
import type { Row, Warehouse } from '../../warehouse.js';

/** Anything that takes rows for a table (the ClickHouse warehouse). */
export interface RowSink {
  insertRows(table: string, rows: readonly Row[]): Promise<void>;
}

const render: Record<FieldKind, (v: unknown) => unknown> = {
  // Instants as UTC wall time to the second (DateTime in 18.16 has no fractions).
  timestamp: (v) => String(v).slice(0, 19),
  date: (v) => String(v).slice(0, 10),
  money: Number,
  decimal: Number,
  integer: Number,
  boolean: (v) => (v === true || v === 'true' || v === 1 ? 1 : 0),
  json: String,
  id: String,
  text: String,
  enum: String,
  currency: String,
};

function renderRow(t: TableDef, r: Row): Row {
  const out: Row = {};
  for (const f of t.fields) {
    const v = r[f.name];
    out[f.name] = v === null || v === undefined ? null : render[f.kind](v);
  }
  if (t.fx) out._rate = Number(r._rate);
  return out;
}

/** Copy every canonical table's rows (or those named) from `from` into `to`; returns rows per table. */
export async function shipTables(from: Warehouse, to: RowSink, tables: readonly string[] = TABLES.map((t) => t.name)): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES.filter((x) => tables.includes(x.name))) {
    const cols = [...t.fields.map((f) => from.dialect.ident(f.name)), ...(t.fx ? ['_rate'] : [])];
    const rows = await from.query(`SELECT ${cols.join(', ')} FROM ${from.dialect.ident(t.name)}`);
    if (rows.length) await to.insertRows(t.name, rows.map((r) => renderRow(t, r)));
    counts[t.name] = rows.length;
  }
  return counts;
}

/** The workspace settings as set in `from` (the defaults stay implicit). */
export async function shipSettings(from: Warehouse, to: Warehouse): Promise<void> {
  for (const r of await from.query('SELECT key, value FROM _settings')) await to.exec('INSERT INTO _settings VALUES ($1, $2)', [String(r.key), String(r.value)]);
}
