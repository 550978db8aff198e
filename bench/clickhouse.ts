/**
 * `npm run bench` (last part, when RETAIN_BENCH_CLICKHOUSE names a ClickHouse server, e.g.
 * http://127.0.0.1:18123, and optionally RETAIN_BENCH_CLICKHOUSE_CLUSTER a cluster of it and
 * RETAIN_CLICKHOUSE_SHARDS its shards' URLs): the demo of BENCH_DEMO_CUSTOMERS customers loaded into
 * ClickHouse through `retain demo` (one server, then the cluster), with load time, rows/s and peak
 * RSS; then on the DuckDB demo workspace bench/demo.ts built and on each ClickHouse workspace: the
 * default report's metrics, total and per metric, the model summary query (one row per distinct
 * customer summary) and the summary fitted (BG/NBD and Gamma-Gamma) — each engine also as a ratio
 * to DuckDB in the same run. Results to bench/results/clickhouse-<customers>-<date>.json.
 */
import { createClient } from '@clickhouse/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetric, emptyTables, lastFullMonths } from '../src/metrics/compute.js';
import { METRICS } from '../src/metrics/registry.js';
import { fitTransactional, loadValueRows } from '../src/models/fit-workspace.js';
import { binder } from '../src/models/queries.js';
import { openWorkspace } from '../src/warehouse/open.js';
import { TABLE_NAMES } from '../src/warehouse/schema/tables.js';
import type { Row, Warehouse } from '../src/warehouse/warehouse.js';
import { DEMO_END, measure } from './peak.js';

const url = process.env.RETAIN_BENCH_CLICKHOUSE;
const here = import.meta.dirname;
if (!url) {
  process.stdout.write('clickhouse: skipped (set RETAIN_BENCH_CLICKHOUSE to a server URL)\n');
  process.exit(0);
}
const n = Number((process.env.BENCH_DEMO_CUSTOMERS ?? '100000').split(',')[0]);
const cluster = process.env.RETAIN_BENCH_CLICKHOUSE_CLUSTER;
const targets = [{ name: 'clickhouse', database: `retain_bench_${n}`, cluster: undefined as string | undefined }, ...(cluster ? [{ name: 'cluster', database: `retain_bench_${n}_cluster`, cluster }] : [])];

/** The model summary query alone, and summarised and fitted, as of the end of the last full month. */
async function models(wh: Warehouse) {
  const { to } = lastFullMonths(12, 'UTC');
  const calibrationEnd = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  let t = performance.now();
  const rows = await loadValueRows(wh, binder(), { calibrationEnd, timezone: 'UTC', timeUnit: 'day' });
  const summarySeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await fitTransactional(wh, { calibrationEnd, pareto: false });
  return { summaryRows: rows.length, summarySeconds: Number(summarySeconds.toFixed(2)), fitSeconds: Number(((performance.now() - t) / 1000).toFixed(2)) };
}

async function report(wh: Warehouse) {
  const { from, to } = lastFullMonths(12, 'UTC');
  const empty = await emptyTables(wh, TABLE_NAMES);
  const perMetric: { id: string; seconds: number | null; error?: string }[] = [];
  // Shared by the metrics as in retain report: a family's statistics are queried once.
  const cache = new Map<string, Promise<Row[]>>();
  const t0 = performance.now();
  for (const m of METRICS) {
    const t = performance.now();
    try {
      await computeMetric(wh, m, { from, to, grain: 'month', timezone: 'UTC', slice: { where: [] }, cache }, empty);
      perMetric.push({ id: m.id, seconds: Number(((performance.now() - t) / 1000).toFixed(3)) });
    } catch (e) {
      perMetric.push({ id: m.id, seconds: null, error: (e as Error).message.slice(0, 120) });
    }
  }
  return { seconds: (performance.now() - t0) / 1000, perMetric };
}

const results: Record<string, unknown>[] = [];
for (const t of targets) {
  const args = ['demo', '--customers', String(n), '--end', DEMO_END, '--engine', 'clickhouse', '--url', url, '--database', t.database, '--format', 'json', ...(t.cluster ? ['--cluster', t.cluster] : [])];
  // A fresh database on every server it lives on: a load into an old one would find every row there.
  for (const server of new Set([url, ...(t.cluster ? (process.env.RETAIN_CLICKHOUSE_SHARDS?.split(',') ?? []) : [])])) {
    const admin = createClient({ url: server });
    await admin.command({ query: `DROP DATABASE IF EXISTS ${t.database}` });
    await admin.close();
  }
  const load = await measure(process.execPath, [join(here, '..', 'bin', 'retain.js'), ...args]);
  if (load.code !== 0) throw new Error(`retain demo into ClickHouse exited with ${load.code}`);
  const rows = (JSON.parse(load.stdout) as { read: number }[]).reduce((a, s) => a + s.read, 0);
  const wh = await openWorkspace({ engine: 'clickhouse', url, database: t.database, ...(t.cluster ? { cluster: t.cluster } : {}), readOnly: true });
  const r = await report(wh);
  const mo = await models(wh);
  await wh.close();
  results.push({ engine: t.name, loadSeconds: Number(load.seconds.toFixed(1)), rows, rowsPerSecond: Math.round(rows / load.seconds), loadPeakRssMB: load.peakRssMB, reportSeconds: Number(r.seconds.toFixed(2)), ...mo, perMetric: r.perMetric });
}
const duck = await openWorkspace({ db: join(here, '.data', `demo-${n}.duckdb`), readOnly: true });
const d = await report(duck);
const dm = await models(duck);
await duck.close();
results.unshift({ engine: 'duckdb', reportSeconds: Number(d.seconds.toFixed(2)), ...dm, perMetric: d.perMetric });

const base = results[0]!;
const times = (x: number, y: number) => `${(x / y).toFixed(1)}×`;
for (const r of results) {
  const failed = (r.perMetric as { id: string; seconds: number | null }[]).filter((m) => m.seconds === null).map((m) => m.id);
  const vs = r === base ? '' : ` (${times(r.reportSeconds as number, base.reportSeconds as number)} DuckDB)`;
  process.stdout.write(
    `${r.engine}: ${r.loadSeconds === undefined ? '' : `demo loaded in ${r.loadSeconds} s (${(r.rows as number).toLocaleString('en-US')} rows, ${(r.rowsPerSecond as number).toLocaleString('en-US')} rows/s, peak RSS ${r.loadPeakRssMB} MB); `}` +
      `report ${r.reportSeconds} s${vs}${failed.length ? `, failed: ${failed.join(', ')}` : ''}; model summary ${r.summarySeconds} s (${(r.summaryRows as number).toLocaleString('en-US')} rows), summarised and fitted ${r.fitSeconds} s` +
      `${r === base ? '' : ` (${times(r.fitSeconds as number, base.fitSeconds as number)} DuckDB)`}\n`,
  );
}
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `clickhouse-${n}-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, customers: n, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
