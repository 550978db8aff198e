/** DuckDB DDL for the canonical tables (from the schema) and the workspace's bookkeeping tables. */
import { webSessionsSql } from '../../derived/web-sessions.js';
import { replacedTable, TABLES, type TableDef } from '../../schema/tables.js';
import { ACCOUNT_TABLES } from '../../accounts/tables.js';
import { duckdbDialect as d } from './dialect.js';

/** The table's stored columns and their types (`_rate`: the FX rate applied at import, reporting currency per unit). */
const columnsSql = (t: TableDef) => [...t.fields.map((f) => `${d.ident(f.name)} ${d.columnType(f.kind)}`), ...(t.fx ? ['_rate DOUBLE'] : [])];

/** Column `_import_id`: the import that stored the row (NULL for rows stored before imports were stamped), what undo removes. */
export function createTableSql(t: TableDef): string {
  return `CREATE TABLE IF NOT EXISTS ${d.ident(t.name)} (${[...columnsSql(t), '_import_id BIGINT'].join(', ')})`;
}

/**
 * The rows an upsert replaced, kept so that undoing it can put them back exactly (same types, so
 * no value passes through text): the old row with the import that stored it, and `_replaced_by`,
 * the import that replaced it.
 */
export function createReplacedSql(t: TableDef): string {
  return `CREATE TABLE IF NOT EXISTS ${d.ident(replacedTable(t))} (${[...columnsSql(t), '_import_id BIGINT', '_replaced_by BIGINT'].join(', ')})`;
}

export const BOOKKEEPING_SQL = [
  `CREATE TABLE IF NOT EXISTS _settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  // mode: insert or upsert (NULL: logged before imports could be undone); undone_at: when undone.
  `CREATE TABLE IF NOT EXISTS _imports (
     import_id BIGINT, table_name VARCHAR, file VARCHAR, format VARCHAR, started_at TIMESTAMPTZ,
     seconds DOUBLE, "read" BIGINT, accepted BIGINT, duplicates BIGINT, quarantined BIGINT, orphans BIGINT,
     mode VARCHAR, updated BIGINT, undone_at TIMESTAMPTZ)`,
  // One row per rejected record, kept verbatim (raw: the record as a JSON object of its source
  // columns). row_hash dedupes: re-importing a file does not quarantine its bad rows twice.
  // "row" is the record number, line its line in the file (they differ after blank lines or
  // quoted line breaks; NULL where a file has no lines).
  `CREATE TABLE IF NOT EXISTS _quarantine (
     table_name VARCHAR, row_hash VARCHAR, key_text VARCHAR, file VARCHAR, "row" BIGINT,
     raw VARCHAR, reasons VARCHAR, import_id BIGINT, quarantined_at TIMESTAMPTZ, line BIGINT)`,
  // API keys (api-keys.ts): the key's SHA-256 hash, never the key; revoking appends the id's row
  // again with revoked_at set (as ClickHouse must, having no updates).
  `CREATE TABLE IF NOT EXISTS _api_keys (id VARCHAR, kind VARCHAR, hash VARCHAR, prefix VARCHAR, created_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ)`,
  // Accounts of the server (warehouse/accounts): users with scrypt password hashes, their roles
  // per workspace, sessions and one-time invitations, the secrets as SHA-256 hashes. Append-only,
  // the newest version of a row wins, as ClickHouse must.
  ...ACCOUNT_TABLES.map((t) => `CREATE TABLE IF NOT EXISTS ${t.name} (${t.columns.map(([c, kind]) => `${c} ${kind === 'text' ? 'VARCHAR' : 'BIGINT'}`).join(', ')})`),
  // A workspace made before the column was there gets it (last, as in the statement above).
  `ALTER TABLE _quarantine ADD COLUMN IF NOT EXISTS line BIGINT`,
  // Each ingested batch sent with an idempotency key: the SHA-256 of its canonical body, the
  // answer it got and the import that stored it (undo forgets the key with the rows), written in
  // the batch's own transaction (ingest/idempotency.ts).
  `CREATE TABLE IF NOT EXISTS _ingest_keys (
     idempotency_key VARCHAR PRIMARY KEY, body_sha256 VARCHAR NOT NULL, answer VARCHAR NOT NULL, created_at TIMESTAMPTZ, import_id BIGINT)`,
  // A version per table and for the settings, bumped where their rows change (data-versions.ts).
  `CREATE TABLE IF NOT EXISTS _data_versions (name VARCHAR, version BIGINT)`,
];

/**
 * A workspace made before a column existed gets it (NULL in its old rows) when opened: fields
 * marked FieldDef.added (in the table and its table of replaced rows), each row's import, and the
 * import log's later columns.
 */
export const upgradeSql = (): string[] => [
  ...TABLES.flatMap((t) =>
    t.fields.filter((f) => f.added).flatMap((f) => [t.name, replacedTable(t)].map((n) => `ALTER TABLE ${d.ident(n)} ADD COLUMN IF NOT EXISTS ${d.ident(f.name)} ${d.columnType(f.kind)}`)),
  ),
  ...TABLES.map((t) => `ALTER TABLE ${d.ident(t.name)} ADD COLUMN IF NOT EXISTS _import_id BIGINT`),
  ...['mode VARCHAR', 'updated BIGINT', 'undone_at TIMESTAMPTZ'].map((c) => `ALTER TABLE _imports ADD COLUMN IF NOT EXISTS ${c}`),
];

export function schemaSql(): string[] {
  return [...TABLES.map(createTableSql), ...TABLES.map(createReplacedSql), ...BOOKKEEPING_SQL, ...upgradeSql(), webSessionsSql(d)];
}
