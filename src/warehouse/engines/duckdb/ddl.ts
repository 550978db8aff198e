/** DuckDB DDL for the canonical tables (from the schema) and the workspace's bookkeeping tables. */
import { webSessionsSql } from '../../derived/web-sessions.js';
import { TABLES, type TableDef } from '../../schema/tables.js';
import { duckdbDialect as d } from './dialect.js';

/** Column `_rate`: the FX rate applied at import (reporting currency per unit; 1 for the reporting currency). */
export function createTableSql(t: TableDef): string {
  const cols = t.fields.map((f) => `${d.ident(f.name)} ${d.columnType(f.kind)}`);
  if (t.fx) cols.push(`_rate DOUBLE`);
  return `CREATE TABLE IF NOT EXISTS ${d.ident(t.name)} (${cols.join(', ')})`;
}

export const BOOKKEEPING_SQL = [
  `CREATE TABLE IF NOT EXISTS _settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS _imports (
     import_id BIGINT, table_name VARCHAR, file VARCHAR, format VARCHAR, started_at TIMESTAMPTZ,
     seconds DOUBLE, "read" BIGINT, accepted BIGINT, duplicates BIGINT, quarantined BIGINT, orphans BIGINT)`,
  // One row per rejected record, kept verbatim (raw: the record as a JSON object of its source
  // columns). row_hash dedupes: re-importing a file does not quarantine its bad rows twice.
  `CREATE TABLE IF NOT EXISTS _quarantine (
     table_name VARCHAR, row_hash VARCHAR, key_text VARCHAR, file VARCHAR, "row" BIGINT,
     raw VARCHAR, reasons VARCHAR, import_id BIGINT, quarantined_at TIMESTAMPTZ)`,
];

/** Fields added after workspaces existed (FieldDef.added), added to a table that lacks them. */
export const addedColumnsSql = (): string[] =>
  TABLES.flatMap((t) => t.fields.filter((f) => f.added).map((f) => `ALTER TABLE ${d.ident(t.name)} ADD COLUMN IF NOT EXISTS ${d.ident(f.name)} ${d.columnType(f.kind)}`));

export function schemaSql(): string[] {
  return [...TABLES.map(createTableSql), ...addedColumnsSql(), ...BOOKKEEPING_SQL, webSessionsSql(d)];
}
