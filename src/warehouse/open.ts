/**
 * Open a workspace. Today the engine is the embedded DuckDB file (--db, RETAIN_DB, ./retain.duckdb);
 * a server engine will be chosen here too, so callers never name an engine.
 */
import { ensureWebSessions } from './derived/web-sessions.js';
import { existsSync } from 'node:fs';
import { openDuckDB } from './engines/duckdb/driver.js';
import { UsageError } from './errors.js';
import type { Warehouse } from './warehouse.js';

export const DEFAULT_DB = 'retain.duckdb';

/**
 * DuckDB's memory limit. Beyond it DuckDB spills to a temp folder beside the workspace, so a
 * multi-GB import runs in bounded memory; measured, 1GB costs the 10M-row import no time.
 */
export const DEFAULT_MEMORY_LIMIT = '1GB';

export interface OpenOptions {
  db?: string;
  readOnly?: boolean;
}

export function workspacePath(db?: string): string {
  return db ?? process.env.RETAIN_DB ?? DEFAULT_DB;
}

export async function openWorkspace(opts: OpenOptions = {}): Promise<Warehouse> {
  const path = workspacePath(opts.db);
  if (opts.readOnly && path !== ':memory:' && !existsSync(path)) {
    throw new UsageError('no-workspace', `There is no workspace at ${path}.`, 'Create one with retain import or retain demo, or point --db at an existing one.');
  }
  const wh = await openDuckDB(path, {
    readOnly: opts.readOnly,
    memoryLimit: process.env.RETAIN_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT,
  });
  if (!opts.readOnly) {
    await wh.createSchema();
    await ensureWebSessions(wh);
  }
  return wh;
}
