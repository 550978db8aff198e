/**
 * Rows of canonical tables from another workspace (the embedded engine that validated them) into
 * ClickHouse, values rendered as ClickHouse's JSON input reads each field kind. The import into a
 * ClickHouse workspace ends with this step; tests use it to load one fixture into both engines.
 */
import { portableRow } from '../../import/rows.js';
import { TABLES } from '../../schema/tables.js';
import type { Row, Warehouse } from '../../warehouse.js';

/** Anything that takes rows for a table (the ClickHouse warehouse). */
export interface RowSink {
  insertRows(table: string, rows: readonly Row[]): Promise<void>;
}

/** Copy every canonical table's rows (or those named) from `from` into `to`; returns rows per table. */
export async function shipTables(from: Warehouse, to: RowSink, tables: readonly string[] = TABLES.map((t) => t.name)): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES.filter((x) => tables.includes(x.name))) {
    const cols = [...t.fields.map((f) => from.dialect.ident(f.name)), ...(t.fx ? ['_rate'] : [])];
    const rows = await from.query(`SELECT ${cols.join(', ')} FROM ${from.dialect.ident(t.name)}`);
    if (rows.length) await to.insertRows(t.name, rows.map((r) => portableRow(t, r)));
    counts[t.name] = rows.length;
  }
  return counts;
}

/** The workspace settings as set in `from` (the defaults stay implicit). */
export async function shipSettings(from: Warehouse, to: Warehouse): Promise<void> {
  for (const r of await from.query('SELECT key, value FROM _settings')) await to.exec('INSERT INTO _settings VALUES ($1, $2)', [String(r.key), String(r.value)]);
}
