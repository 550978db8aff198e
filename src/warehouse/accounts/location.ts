/**
 * Which workspaces a server serves and where their accounts live, for the server and the CLI
 * alike. One workspace (a DuckDB file, or a ClickHouse database) keeps its accounts itself;
 * a folder of DuckDB files (`--workspaces DIR`) serves each `NAME.duckdb` as workspace NAME and
 * keeps the accounts, shared by all of them, in `DIR/.accounts.duckdb`. On ClickHouse,
 * `--workspaces PREFIX` serves every database named PREFIX + NAME that holds a workspace, as
 * workspace NAME, and keeps the accounts in the database PREFIX + `accounts`.
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

export async function workspaceSet(o: OpenOptions & { workspaces?: string }): Promise<WorkspaceSet> {
  const engine = o.engine ?? process.env.RETAIN_ENGINE ?? 'duckdb';
  if (o.workspaces !== undefined && engine === 'clickhouse') {
    const prefix = o.workspaces;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new UsageError('bad-option', `--workspaces ${prefix}: on ClickHouse it is a database name prefix (letters, digits and _), such as retain_.`);
    const accounts = { ...o, database: `${prefix}accounts` };
    const url = o.url ?? process.env.RETAIN_CLICKHOUSE_URL;
    if (!url) throw new UsageError('bad-option', 'The ClickHouse engine needs the server: --url http://host:8123 (or RETAIN_CLICKHOUSE_URL).');
    const { workspaceDatabases } = await import('../engines/clickhouse/driver.js');
    const names = (await workspaceDatabases(url, prefix)).map((d) => d.slice(prefix.length)).filter((n) => n !== 'accounts' && NAME.test(n)).sort();
    if (names.length === 0) throw new UsageError('no-workspace', `There are no workspaces in databases named ${prefix}… on this server.`, `Make one with retain demo --engine clickhouse --database ${prefix}demo.`);
    return { accounts, workspaces: names.map((name) => ({ name, open: { ...o, database: prefix + name }, shared: false })) };
  }
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
