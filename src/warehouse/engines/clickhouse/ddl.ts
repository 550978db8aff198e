/**
 * ClickHouse DDL for the canonical tables. Each is a ReplacingMergeTree ordered by the table's key,
 * so a re-delivered row collapses into the one already there when parts merge (the queries never
 * count it twice before then: see the driver). On a cluster each shard holds `<table>_local` and
 * the entry server a Distributed `<table>` over them, sharded by cityHash64(customer_id) so that
 * everything computed per customer stays on one shard (rows without a customer by their key).
 * Bookkeeping (_settings, _imports, _quarantine) lives on the entry server only.
 */
import { TABLES, type TableDef } from '../../schema/tables.js';
import { ACCOUNT_TABLES } from '../../accounts/tables.js';
import { clickhouseDialect as d } from './dialect.js';

export interface ClickHouseLayout {
  readonly database: string;
  /** The cluster name of remote_servers, for a sharded workspace. */
  readonly cluster?: string;
}

const column = (t: TableDef, name: string, type: string) => (t.key.includes(name) || t.fields.find((f) => f.name === name)?.required ? type : `Nullable(${type})`);

/** The local (per shard, or the only) table of a canonical table. */
export function localTableSql(t: TableDef, l: ClickHouseLayout, name = l.cluster ? `${t.name}_local` : t.name): string {
  const cols = t.fields.map((f) => `${d.ident(f.name)} ${column(t, f.name, d.columnType(f.kind))}`);
  if (t.fx) cols.push('_rate Float64');
  return `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}.${d.ident(name)} (${cols.join(', ')})
    ENGINE = ReplacingMergeTree ORDER BY (${t.key.map(d.ident).join(', ')})`;
}

/** The Distributed table over the shards' local tables. */
export function distributedTableSql(t: TableDef, l: ClickHouseLayout & { cluster: string }): string {
  const hasCustomer = t.fields.some((f) => f.name === 'customer_id');
  const key = t.key.map(d.ident).join(', ');
  // Rows without a customer (anonymous answers and visits) spread by their own key.
  const keyText = t.key.length === 1 ? `toString(${d.ident(t.key[0]!)})` : `concat(${t.key.map((k) => `toString(${d.ident(k)})`).join(', ')})`;
  const by = hasCustomer ? (t.key.includes('customer_id') ? `cityHash64(customer_id)` : `cityHash64(ifNull(customer_id, ${keyText}))`) : `cityHash64(${key})`;
  return `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}.${d.ident(t.name)} AS ${d.ident(l.database)}.${d.ident(`${t.name}_local`)}
    ENGINE = Distributed(${d.ident(l.cluster)}, ${d.ident(l.database)}, ${d.ident(`${t.name}_local`)}, ${by})`;
}

/**
 * Columns the bookkeeping tables gained after their first release. The import log's: mode (insert
 * or upsert; '' before), the rows an upsert replaced, and when the import was undone (always NULL
 * here: undo needs deletes in a transaction, which ClickHouse has not). The quarantine's: the file
 * line of a record.
 */
const BOOKKEEPING_ADDED = [
  { table: '_imports', column: 'mode', type: 'String' },
  { table: '_imports', column: 'updated', type: 'Int64' },
  { table: '_imports', column: 'undone_at', type: "Nullable(DateTime('UTC'))" },
  { table: '_quarantine', column: 'line', type: 'Nullable(Int64)' },
];

/**
 * Settings are appended, never updated (18.16 cannot delete rows): TinyLog reads back in
 * insertion order and the latest value of a key wins.
 */
export const bookkeepingSql = (l: ClickHouseLayout) => [
  `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}._settings (key String, value String) ENGINE = TinyLog`,
  `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}._imports (import_id Int64, table_name String, file String, format String, started_at DateTime('UTC'),
     seconds Float64, read Int64, accepted Int64, duplicates Int64, quarantined Int64, orphans Int64, ${BOOKKEEPING_ADDED.filter((c) => c.table === '_imports').map((c) => `${c.column} ${c.type}`).join(', ')}) ENGINE = MergeTree ORDER BY import_id`,
  // One row per rejected record, verbatim; the same record quarantined again collapses by its hash.
  `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}._quarantine (table_name String, row_hash String, key_text Nullable(String), file String, row Int64,
     raw String, reasons String, import_id Int64, quarantined_at DateTime('UTC'), line Nullable(Int64)) ENGINE = ReplacingMergeTree ORDER BY (table_name, row_hash)`,
  // API keys: hashes only; a revocation is the id's row appended again with revoked_at.
  `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}._api_keys (id String, kind String, hash String, prefix String, created_at DateTime('UTC'),
     revoked_at Nullable(DateTime('UTC'))) ENGINE = MergeTree ORDER BY (prefix, id)`,
  // Accounts (warehouse/accounts): append-only, the newest version wins.
  ...ACCOUNT_TABLES.map(
    (t) => `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}.${t.name} (${t.columns.map(([c, kind]) => `${c} ${kind === 'text' ? 'String' : 'Int64'}`).join(', ')}) ENGINE = MergeTree ORDER BY ${t.columns[0]![0]}`,
  ),
  // Data versions (data-versions.ts): appended, read as max(); merges keep a name's latest row.
  `CREATE TABLE IF NOT EXISTS ${d.ident(l.database)}._data_versions (name String, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY name`,
];

/**
 * Columns added since workspaces existed, each with the table (a shard's local one, or the entry
 * server's) and the statement that adds it, to run when system.columns lacks it (18.16 has no ADD
 * COLUMN IF NOT EXISTS): fields marked FieldDef.added, and on the entry server the bookkeeping
 * tables' later columns (BOOKKEEPING_ADDED).
 */
export function addedColumns(l: ClickHouseLayout, where: 'shard' | 'entry'): { table: string; column: string; sql: string }[] {
  const name = (t: TableDef) => (l.cluster && where === 'shard' ? `${t.name}_local` : t.name);
  const add = (table: string, column: string, type: string) => ({ table, column, sql: `ALTER TABLE ${d.ident(l.database)}.${d.ident(table)} ADD COLUMN ${d.ident(column)} ${type}` });
  const fields = TABLES.flatMap((t) => t.fields.filter((f) => f.added).map((f) => add(name(t), f.name, column(t, f.name, d.columnType(f.kind)))));
  return where === 'shard' && l.cluster ? fields : [...fields, ...BOOKKEEPING_ADDED.map((c) => add(c.table, c.column, c.type))];
}

/** Statements for every shard (the local tables) and for the entry server (Distributed tables and bookkeeping). */
export function schemaSql(l: ClickHouseLayout): { shard: string[]; entry: string[] } {
  const db = `CREATE DATABASE IF NOT EXISTS ${d.ident(l.database)}`;
  const locals = TABLES.map((t) => localTableSql(t, l));
  if (!l.cluster) return { shard: [], entry: [db, ...locals, ...bookkeepingSql(l)] };
  const cluster = l.cluster;
  return { shard: [db, ...locals], entry: [db, ...TABLES.map((t) => distributedTableSql(t, { ...l, cluster })), ...bookkeepingSql(l)] };
}
