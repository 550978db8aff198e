/**
 * Rows of canonical tables from another workspace (the embedded engine that validated them) into
 * ClickHouse, through the engines' CSV readers and writers. Tests use it to load one fixture into
 * both engines.
 */
import { columnsOf, storedColumns, transferRows } from '../../import/transfer.js';
import { TABLES } from '../../schema/tables.js';
import type { Warehouse } from '../../warehouse.js';

/** Copy every canonical table's rows (or those named) from `from` into `to`; returns rows per table. */
export async function shipTables(from: Warehouse, to: Warehouse, tables: readonly string[] = TABLES.map((t) => t.name)): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES.filter((x) => tables.includes(x.name))) {
    await transferRows(from, to, t.name, columnsOf(t, storedColumns(t)));
    counts[t.name] = Number((await from.query(`SELECT count(*) AS n FROM ${from.dialect.table(t.name)} x`))[0]?.n ?? 0);
  }
  return counts;
}

/** The workspace settings as set in `from` (the defaults stay implicit). */
export async function shipSettings(from: Warehouse, to: Warehouse): Promise<void> {
  for (const r of await from.query('SELECT key, value FROM _settings')) await to.exec('INSERT INTO _settings VALUES ($1, $2)', [String(r.key), String(r.value)]);
}
