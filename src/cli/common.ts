/** Options and helpers every command shares. */
import { Option, type Command } from 'commander';
import { isoDay, positiveWhole } from '../metrics/option-values.js';
import { penalizer } from '../metrics/penalizer.js';
import { ENGINES, openWorkspace } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { OutputFormat } from './output.js';

/** Where the workspace is: a DuckDB file, or a database on a ClickHouse server or cluster. */
export function dbOption(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'workspace file (default: $RETAIN_DB or ./retain.duckdb)')
    .addOption(new Option('--engine <engine>', 'duckdb (a file, the default) or clickhouse (default: $RETAIN_ENGINE)').choices([...ENGINES]))
    .option('--url <url>', 'ClickHouse HTTP URL, e.g. http://localhost:8123 (default: $RETAIN_CLICKHOUSE_URL)')
    .option('--database <name>', 'ClickHouse database of the workspace (default: $RETAIN_CLICKHOUSE_DATABASE or retain)')
    .option('--cluster <name>', 'ClickHouse cluster to shard over (default: $RETAIN_CLICKHOUSE_CLUSTER)');
}

export interface WorkspaceOptions {
  db?: string;
  engine?: string;
  url?: string;
  database?: string;
  cluster?: string;
}

export function formatOption(cmd: Command, formats: readonly OutputFormat[], def: OutputFormat = 'table'): Command {
  return cmd.addOption(new Option('--format <format>', 'output format').choices([...formats]).default(def));
}

/** Open the workspace for the duration of fn, and close it whatever happens. */
export async function withWorkspace<T>(opts: WorkspaceOptions, fn: (wh: Warehouse) => Promise<T>, readOnly = false): Promise<T> {
  const wh = await openWorkspace({ db: opts.db, engine: opts.engine, url: opts.url, database: opts.database, cluster: opts.cluster, readOnly });
  try {
    return await fn(wh);
  } finally {
    await wh.close();
  }
}

export function positiveInt(name: string) {
  return (v: string): number => positiveWhole(name, v);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** --penalizer for every command that fits the purchase models (their errors advise it). */
export const penalizerOption = (): Option =>
  new Option('--penalizer <x>', 'L2 penalty on the model parameters, as in lifetimes (default 0; e.g. 0.001 when a fit runs off)').argParser(penalizer);

/** A date option as YYYY-MM-DD (a real calendar day). */
export function isoDate(flag: string) {
  return (v: string): string => isoDay(flag, v);
}
