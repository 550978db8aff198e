/**
 * Open a workspace: the embedded DuckDB file (--db, RETAIN_DB, ./retain.duckdb) by default, or a
 * database on a ClickHouse server or cluster (--engine clickhouse --url … [--database …]
 * [--cluster …], or RETAIN_ENGINE, RETAIN_CLICKHOUSE_URL, RETAIN_CLICKHOUSE_DATABASE,
 * RETAIN_CLICKHOUSE_CLUSTER). Callers never name an engine.
 */
import { ensureWebSessions } from './derived/web-sessions.js';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RetainError, UsageError } from './errors.js';
import { faultPoint } from './fault.js';
import type { Warehouse } from './warehouse.js';

export const DEFAULT_DB = 'retain.duckdb';

// Each engine's driver is loaded when a workspace of that engine opens: the DuckDB binding costs a
// command 0.13–0.2 s to load and the ClickHouse client 0.05–0.07 s (a quiet machine), and a command
// uses one engine or none (--help, metrics).
const openDuckDB: typeof import('./engines/duckdb/driver.js').openDuckDB = async (...a) => (await import('./engines/duckdb/driver.js')).openDuckDB(...a);
const openClickHouse: typeof import('./engines/clickhouse/driver.js').openClickHouse = async (...a) => (await import('./engines/clickhouse/driver.js')).openClickHouse(...a);

/**
 * DuckDB's memory limit. Beyond it DuckDB spills to a temp folder beside the workspace, so a
 * multi-GB import runs in bounded memory; measured, 1GB costs the 10M-row import no time.
 */
export const DEFAULT_MEMORY_LIMIT = '1GB';

export interface OpenOptions {
  db?: string;
  readOnly?: boolean;
  engine?: string;
  url?: string;
  database?: string;
  cluster?: string;
}

export const ENGINES = ['duckdb', 'clickhouse'] as const;

export function workspacePath(db?: string): string {
  return db ?? process.env.RETAIN_DB ?? DEFAULT_DB;
}

/** A fresh embedded workspace in memory, with the schema: where files bound for a server are checked. */
export async function openStaging(): Promise<Warehouse> {
  const wh = await openDuckDB(':memory:', { memoryLimit: process.env.RETAIN_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT });
  await wh.createSchema();
  return wh;
}

export async function openWorkspace(opts: OpenOptions = {}): Promise<Warehouse> {
  const engine = opts.engine ?? process.env.RETAIN_ENGINE ?? 'duckdb';
  if (engine === 'clickhouse') {
    const url = opts.url ?? process.env.RETAIN_CLICKHOUSE_URL;
    if (!url) throw new UsageError('bad-option', 'The ClickHouse engine needs the server: --url http://host:8123 (or RETAIN_CLICKHOUSE_URL).');
    const cluster = opts.cluster ?? process.env.RETAIN_CLICKHOUSE_CLUSTER;
    const shards = process.env.RETAIN_CLICKHOUSE_SHARDS?.split(',').filter(Boolean);
    const wh = await openClickHouse({
      url,
      database: opts.database ?? process.env.RETAIN_CLICKHOUSE_DATABASE ?? 'retain',
      ...(cluster ? { cluster } : {}),
      ...(shards?.length ? { shards } : {}),
      readOnly: opts.readOnly,
    });
    // Files are checked in an embedded workspace in memory, then their rows sent to the server.
    return Object.assign(wh, { staging: () => openStaging() });
  }
  if (engine !== 'duckdb') throw new UsageError('bad-option', `Unknown engine "${engine}".`, `Engines: ${ENGINES.join(', ')}.`);
  const path = workspacePath(opts.db);
  if (opts.readOnly && path !== ':memory:' && !existsSync(path)) {
    throw new UsageError('no-workspace', `There is no workspace at ${path}.`, 'Create one with retain import or retain demo, or point --db at an existing one.');
  }
  const memoryLimit = process.env.RETAIN_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT;
  if (!opts.readOnly && path !== ':memory:' && !existsSync(path)) await createDuckDBFile(path, memoryLimit);
  const wh = await openDuckDB(path, { readOnly: opts.readOnly, memoryLimit });
  if (!opts.readOnly) {
    await wh.createSchema();
    await ensureWebSessions(wh);
  }
  return wh;
}

/** Workspace files this process is creating now (a dead process's may carry the same pid). */
const creating = new Set<string>();

/**
 * A new workspace file is made whole under another name, then linked into place: a process
 * killed while creating it leaves no half-written file that DuckDB can no longer open.
 */
async function createDuckDBFile(path: string, memoryLimit: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.creating-`;
  const tmp = `${path}.creating-${process.pid}-${randomBytes(4).toString('hex')}`;
  const clean = () => ['', '.wal'].forEach((x) => rmSync(tmp + x, { force: true }));
  creating.add(resolve(tmp));
  try {
    // What creators killed before they finished left behind: their process is gone, or has our
    // pid (a container restarted) but is not one of ours.
    for (const f of readdirSync(dir)) {
      const pid = Number.parseInt(f.slice(prefix.length), 10);
      if (f.startsWith(prefix) && !creating.has(resolve(dir, f).replace(/\.wal$/, '')) && (pid === process.pid || !alive(pid))) rmSync(join(dir, f), { force: true });
    }
    // DuckDB deletes a log beside a file it creates; the file it opens here exists, so a log a
    // deleted workspace left must go first, or DuckDB would replay it into the new one.
    rmSync(`${path}.wal`, { force: true });
    const wh = await openDuckDB(tmp, { memoryLimit });
    try {
      await wh.createSchema();
      await wh.exec('CHECKPOINT');
    } finally {
      await wh.close();
    }
    faultPoint('kill-creating-workspace');
    placeFile(tmp, path);
  } catch (e) {
    if (e instanceof RetainError) throw e;
    throw new RetainError('workspace-open-failed', `Cannot create workspace ${path}: ${(e as Error).message}`, 'Check that the folder of --db exists and that you can write to it.', { cause: e });
  } finally {
    clean();
    creating.delete(resolve(tmp));
  }
}

/** Put a finished file in place unless another process did first (theirs stands). */
function placeFile(tmp: string, path: string): void {
  try {
    // A link is atomic and fails if the workspace exists.
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    // A file system without hard links: a rename, after checking once more.
    if ((code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') && !existsSync(path)) renameSync(tmp, path);
    else throw e;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
