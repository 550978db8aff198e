/**
 * The ClickHouse engine behind the Warehouse interface, over HTTP with @clickhouse/client. A
 * workspace is a database (default `retain`), created with its tables on first use. Values reach
 * the server only as the typed literals of literal.ts. ClickHouse has no transactions: a
 * "transaction" runs its statements in order, and idempotence comes from the ReplacingMergeTree
 * keys and from deduplicated reads (FINAL), not from rollback.
 */
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { RetainError, UsageError } from '../../errors.js';
import type { MalformedRecord, Param, Row, StagedFile, Warehouse } from '../../warehouse.js';
import { addedColumns, schemaSql, type ClickHouseLayout } from './ddl.js';
import { clickhouseDialect } from './dialect.js';
import { bindParams } from './literal.js';

export interface ClickHouseOptions {
  readonly url: string;
  readonly database?: string;
  readonly cluster?: string;
  /** Each shard's HTTP URL, for the per-shard DDL (default: the shards' hosts at the entry URL's port). */
  readonly shards?: readonly string[];
  readonly readOnly?: boolean;
}

/**
 * Settings of every query: SQL's NULLs from outer joins (not the type's default value), inserts
 * into Distributed tables that return once every shard has the rows, and room for the long
 * statements a day-grain series builds (its bucket search is written out as nested CASEs).
 */
const SETTINGS = { join_use_nulls: 1, insert_distributed_sync: 1, max_query_size: '16777216', max_ast_elements: '10000000', max_expanded_ast_elements: '10000000' } as const;

const TRACE = process.env.RETAIN_TRACE === '1';

const clientFor = (url: string, database?: string): ClickHouseClient =>
  createClient({ url, ...(database ? { database } : {}), request_timeout: 3_600_000, compression: { response: false, request: false }, log: { level: ClickHouseLogLevel.OFF } });

/** JSON values by the column's type: 64-bit integers come quoted; they become numbers when exact. */
function converter(type: string): (v: unknown) => unknown {
  if (/^(Nullable\()?U?Int(64|128|256)/.test(type)) {
    return (v) => {
      if (v === null || typeof v !== 'string') return v;
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v;
    };
  }
  return (v) => v;
}

class ClickHouseWarehouse implements Warehouse {
  readonly dialect = clickhouseDialect;
  readonly location: string;
  readonly sharded: boolean;

  constructor(
    private readonly client: ClickHouseClient,
    readonly layout: ClickHouseLayout,
    url: string,
    private readonly readOnly: boolean,
  ) {
    this.location = `${url.replace(/\/$/, '')}/${layout.database}`;
    this.sharded = Boolean(layout.cluster);
  }

  async query(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    const { meta, data } = await this.select(sql, params);
    const convert = meta.map((m) => [m.name, converter(m.type)] as const);
    return data.map((r) => {
      const out: Row = {};
      for (const [name, f] of convert) out[name] = f(r[name]);
      return out;
    });
  }

  // Each call reads its own result's column list: no state shared between concurrent queries.
  async queryNumbers(sql: string, params: readonly Param[] = []) {
    const { meta, data } = await this.select(sql, params);
    const column = (name: string) => Float64Array.from(data, (r) => (r[name] === null ? NaN : Number(r[name])));
    return { length: data.length, columns: Object.fromEntries(meta.map((m) => [m.name, column(m.name)])) };
  }

  private async select(sql: string, params: readonly Param[], settings: { readonly?: '2' } = {}) {
    const query = bindParams(sql, params);
    const t0 = TRACE ? performance.now() : 0;
    try {
      const r = await this.client.query({ query, format: 'JSON', clickhouse_settings: { ...SETTINGS, ...(this.readOnly ? { readonly: '2' as const } : {}), ...settings } });
      const out = await r.json<Record<string, unknown>>();
      return { meta: out.meta ?? [], data: out.data };
    } catch (e) {
      throw new RetainError('query-failed', (e as Error).message, undefined, { sql: query, cause: e });
    } finally {
      if (TRACE) process.stderr.write(`[clickhouse ${((performance.now() - t0) / 1000).toFixed(3)}s] ${query.replace(/\s+/g, ' ').slice(0, 160)}\n`);
    }
  }

  async exec(sql: string, params: readonly Param[] = []): Promise<void> {
    const query = bindParams(sql, params);
    try {
      await this.client.command({ query, clickhouse_settings: SETTINGS });
    } catch (e) {
      throw new RetainError('query-failed', (e as Error).message, undefined, { sql: query, cause: e });
    }
  }

  async writeCsv(sql: string, path: string): Promise<void> {
    try {
      // Buffered to the end on the server: an error mid-query then fails the request instead of
      // ending a 200 response's body with the error text.
      const r = await this.client.exec({ query: `${sql} FORMAT CSV`, clickhouse_settings: { ...SETTINGS, wait_end_of_query: 1 } });
      await pipeline(r.stream, createWriteStream(path));
    } catch (e) {
      throw new RetainError('query-failed', (e as Error).message, undefined, { sql, cause: e });
    }
  }

  async readCsv(table: string, columns: readonly string[], path: string): Promise<void> {
    try {
      await this.client.insert({ table, values: createReadStream(path), format: 'CSV', columns: [...columns] as [string, ...string[]], clickhouse_settings: SETTINGS });
    } catch (e) {
      throw new RetainError('query-failed', (e as Error).message, undefined, { sql: `INSERT INTO ${table} FORMAT CSV`, cause: e });
    }
  }

  // No transactions in ClickHouse: the statements run in order (see the file comment).
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async createSchema(): Promise<void> {
    // Run by open(); DDL is idempotent (IF NOT EXISTS).
  }

  loadChecked(): Promise<{ staged: StagedFile; malformed: MalformedRecord[] }> {
    throw new UsageError('not-supported', 'Bulk validation runs in the embedded engine; a ClickHouse workspace receives the checked rows.');
  }

  async dropLoad(): Promise<void> {}

  watchProgress(): () => void {
    return () => {};
  }

  async queryReadOnly(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    const { meta, data } = await this.select(sql, [], { readonly: '2' });
    return { columns: meta.map((m) => m.name), rows: data };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A workspace made before a field was added opens with the column added (see addedColumns). */
async function addMissingColumns(client: ClickHouseClient, layout: ClickHouseLayout, where: 'shard' | 'entry'): Promise<void> {
  const rs = await client.query({ query: bindParams('SELECT table, name FROM system.columns WHERE database = $1', [layout.database]), format: 'JSONEachRow' });
  const have = new Set((await rs.json<{ table: string; name: string }>()).map((c) => `${c.table}.${c.name}`));
  for (const a of addedColumns(layout, where)) if (!have.has(`${a.table}.${a.column}`)) await client.command({ query: a.sql });
}

/** The databases on the server whose names start with the prefix and that hold a workspace (its import log). */
export async function workspaceDatabases(url: string, prefix: string): Promise<string[]> {
  const client = clientFor(url);
  try {
    const rs = await client.query({ query: bindParams(`SELECT DISTINCT database FROM system.tables WHERE name = '_imports' AND startsWith(database, $1) ORDER BY database`, [prefix]), format: 'JSONEachRow' });
    return ((await rs.json()) as { database: string }[]).map((r) => r.database);
  } catch (e) {
    throw new UsageError('no-server', `ClickHouse at ${url}: ${(e as Error).message}`, 'Check --url.');
  } finally {
    await client.close();
  }
}

/** Open (creating on first use) the workspace database on a ClickHouse server or cluster. */
export async function openClickHouse(o: ClickHouseOptions): Promise<ClickHouseWarehouse> {
  const layout: ClickHouseLayout = { database: o.database ?? 'retain', ...(o.cluster ? { cluster: o.cluster } : {}) };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(layout.database)) {
    throw new UsageError('bad-option', `The ClickHouse database name "${layout.database}" must be letters, digits and _.`);
  }
  const admin = clientFor(o.url);
  try {
    const ping = await admin.ping();
    if (!ping.success) throw new UsageError('no-server', `No ClickHouse server answers at ${o.url}.`, 'Check --url (e.g. http://localhost:8123) and that the server runs.');
    if (!o.readOnly) {
      const ddl = schemaSql(layout);
      if (layout.cluster) {
        for (const url of o.shards ?? (await shardUrls(admin, o.url, layout.cluster))) {
          const shard = clientFor(url);
          try {
            for (const s of ddl.shard) await shard.command({ query: s });
            await addMissingColumns(shard, layout, 'shard');
          } finally {
            await shard.close();
          }
        }
      }
      for (const s of ddl.entry) await admin.command({ query: s });
      await addMissingColumns(admin, layout, 'entry');
      await dropStaleLookups(admin, layout.database);
    }
  } catch (e) {
    if (e instanceof RetainError) throw e;
    throw new UsageError('no-server', `ClickHouse at ${o.url}: ${(e as Error).message}`, 'Check --url, --database and --cluster.');
  } finally {
    await admin.close();
  }
  return new ClickHouseWarehouse(clientFor(o.url, layout.database), layout, o.url, o.readOnly ?? false);
}


/**
 * A report with a breakdown builds a `_segments_<time>_<id>` lookup table and drops it; one that was
 * killed leaves it behind. Those more than a day old are dropped when a command opens the workspace
 * to write.
 */
async function dropStaleLookups(admin: ClickHouseClient, database: string): Promise<void> {
  const r = await admin.query({ query: `SELECT name FROM system.tables WHERE database = ${clickhouseDialect.str(database)} AND startsWith(name, '_segments_')`, format: 'JSONEachRow' });
  const dayAgo = Date.now() - 86_400_000;
  for (const { name } of await r.json<{ name: string }>()) {
    const made = parseInt(name.split('_')[2] ?? '', 36);
    if (Number.isFinite(made) && made < dayAgo) await admin.command({ query: `DROP TABLE IF EXISTS ${clickhouseDialect.ident(database)}.${clickhouseDialect.ident(name)}` });
  }
}

/** The cluster's hosts, reached over HTTP at the entry URL's port (RETAIN_CLICKHOUSE_SHARDS overrides). */
async function shardUrls(admin: ClickHouseClient, url: string, cluster: string): Promise<string[]> {
  const r = await admin.query({ query: `SELECT DISTINCT host_address FROM system.clusters WHERE cluster = '${cluster.replace(/[^A-Za-z0-9_]/g, '')}'`, format: 'JSONEachRow' });
  const hosts = (await r.json<{ host_address: string }>()).map((h) => h.host_address);
  if (!hosts.length) throw new UsageError('bad-option', `The ClickHouse server at ${url} knows no cluster "${cluster}".`, 'Name a cluster of its remote_servers configuration.');
  const u = new URL(url);
  return hosts.map((h) => `${u.protocol}//${h}:${u.port || '8123'}`);
}
