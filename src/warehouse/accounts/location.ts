/**
 * Which workspaces a server serves and where their accounts live, for the server and the CLI
 * alike. One workspace (a DuckDB file, or a ClickHouse database) keeps its accounts itself;
 * a folder of DuckDB files (`--workspaces DIR`) serves each `NAME.duckdb` as workspace NAME and
 * keeps the accounts, shared by all of them, in `DIR/.accounts.duckdb`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import { workspacePath, type OpenOptions } from '../open.js';
import { didYouMean } from '../suggest.js';

export interface WorkspaceSet {
  accounts: OpenOptions;
  /** By name, in name order; `shared` when the accounts store is the workspace itself. */
  workspaces: { name: string; open: OpenOptions; shared: boolean }[];
}

export const ACCOUNTS_FILE = '.accounts.duckdb';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function workspaceSet(o: OpenOptions & { workspaces?: string }): WorkspaceSet {
  if (o.workspaces !== undefined) {
    const dir = o.workspaces;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError('no-workspace', `There is no folder ${dir}.`, 'Point --workspaces at a folder of workspace files (NAME.duckdb).');
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.duckdb') && NAME.test(f.slice(0, -'.duckdb'.length)))
      .map((f) => f.slice(0, -'.duckdb'.length))
      .sort();
    if (names.length === 0) throw new UsageError('no-workspace', `There are no workspaces in ${dir}.`, `Make one with retain demo --db ${join(dir, 'demo.duckdb')} or retain import … --db ${join(dir, 'NAME.duckdb')}.`);
    return { accounts: { db: join(dir, ACCOUNTS_FILE) }, workspaces: names.map((name) => ({ name, open: { db: join(dir, `${name}.duckdb`) }, shared: false })) };
  }
  const engine = o.engine ?? process.env.RETAIN_ENGINE ?? 'duckdb';
  const name = engine === 'clickhouse' ? (o.database ?? process.env.RETAIN_CLICKHOUSE_DATABASE ?? 'retain') : basename(workspacePath(o.db)).replace(/\.duckdb$/, '');
  const safe = NAME.test(name) ? name : 'default';
  return { accounts: o, workspaces: [{ name: safe, open: o, shared: true }] };
}

/** The named workspace of the set, or a usage error listing them. */
export function pickWorkspace(set: WorkspaceSet, name: string | undefined): WorkspaceSet['workspaces'][number] {
  if (name === undefined) {
    if (set.workspaces.length === 1) return set.workspaces[0]!;
    throw new UsageError('bad-option', 'Name the workspace: --workspace NAME.', `Workspaces: ${set.workspaces.map((w) => w.name).join(', ')}.`);
  }
  const w = set.workspaces.find((x) => x.name === name);
  if (!w) throw new UsageError('unknown-workspace', `No workspace ${name}.`, `${didYouMean(name, set.workspaces.map((x) => x.name))}Workspaces: ${set.workspaces.map((x) => x.name).join(', ')}.`);
  return w;
}
