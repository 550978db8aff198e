/**
 * `npm run bench` (last part, when RETAIN_BENCH_CLICKHOUSE names a ClickHouse server, e.g.
 * http://127.0.0.1:18123, and optionally RETAIN_BENCH_CLICKHOUSE_CLUSTER a cluster of it and
 * RETAIN_CLICKHOUSE_SHARDS its shards' URLs): the demo of BENCH_DEMO_CUSTOMERS customers loaded into
 * ClickHouse through `retain demo` (one server, then the cluster), with load time and rows/s; then
 * the default report's metrics on the DuckDB demo workspace bench/demo.ts built and on each
 * ClickHouse workspace, total and per metric (metrics that do not run on ClickHouse yet are
 * listed, not timed). Results to bench/results/clickhouse-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetric, emptyTables, lastFullMonths } from '../src/metrics/compute.js';
import { METRICS } from '../src/metrics/registry.js';
import { openWorkspace } from '../src/warehouse/open.js';
import { TABLE_NAMES } from '../src/warehouse/schema/tables.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { measure } from './peak.js';

const url = process.env.RETAIN_BENCH_CLICKHOUSE;
const here = import.meta.dirname;
if (!url) {
  process.stdout.write('clickhouse: skipped (set RETAIN_BENCH_CLICKHOUSE to a server URL)\n');
  process.exit(0);
}
const n = Number((process.env.BENCH_DEMO_CUSTOMERS ?? '100000').split(',')[0]);
const cluster = process.env.RETAIN_BENCH_CLICKHOUSE_CLUSTER;
const targets = [{ name: 'clickhouse', database: `retain_bench_${n}`, cluster: undefined as string | undefined }, ...(cluster ? [{ name: 'cluster', database: `retain_bench_${n}_cluster`, cluster }] : [])];

async function report(wh: Warehouse) {
  const { from, to } = lastFullMonths(12, 'UTC');
  const empty = await emptyTables(wh, TABLE_NAMES);
  const perMetric: { id: string; seconds: number | null; error?: string }[] = [];
  const t0 = performance.now();
  for (const m of METRICS) {
    const t = performance.now();
    try {
      await computeMetric(wh, m, { from, to, grain: 'month', timezone: 'UTC', slice: { where: [] } }, empty);
      perMetric.push({ id: m.id, seconds: Number(((performance.now() - t) / 1000).toFixed(3)) });
    } catch (e) {
      perMetric.push({ id: m.id, seconds: null, error: (e as Error).message.slice(0, 120) });
    }
  }
  return { seconds: (performance.now() - t0) / 1000, perMetric };
}

const results: Record<string, unknown>[] = [];
for (const t of targets) {
  const args = ['demo', '--customers', String(n), '--engine', 'clickhouse', '--url', url, '--database', t.database, '--format', 'json', ...(t.cluster ? ['--cluster', t.cluster] : [])];
  const load = await measure(process.execPath, [join(here, '..', 'bin', 'retain.js'), ...args]);
  if (load.code !== 0) throw new Error(`retain demo into ClickHouse exited with ${load.code}`);
  const rows = (JSON.parse(load.stdout) as { read: number }[]).reduce((a, s) => a + s.read, 0);
  const wh = await openWorkspace({ engine: 'clickhouse', url, database: t.database, ...(t.cluster ? { cluster: t.cluster } : {}), readOnly: true });
  const r = await report(wh);
  await wh.close();
  results.push({ engine: t.name, loadSeconds: Number(load.seconds.toFixed(1)), rows, rowsPerSecond: Math.round(rows / load.seconds), loadPeakRssMB: load.peakRssMB, reportSeconds: Number(r.seconds.toFixed(2)), perMetric: r.perMetric });
}
const duck = await openWorkspace({ db: join(here, '.data', `demo-${n}.duckdb`), readOnly: true });
const d = await report(duck);
await duck.close();
results.unshift({ engine: 'duckdb', reportSeconds: Number(d.seconds.toFixed(2)), perMetric: d.perMetric });

for (const r of results) {
  const pm = r.perMetric as { id: string; seconds: number | null }[];
  const ran = pm.filter((m) => m.seconds !== null);
  const common = ran.filter((m) => (results[1]?.perMetric as { id: string; seconds: number | null }[] | undefined)?.find((x) => x.id === m.id)?.seconds != null);
  process.stdout.write(
    `${r.engine}: ${r.loadSeconds === undefined ? '' : `demo loaded in ${r.loadSeconds} s (${(r.rows as number).toLocaleString('en-US')} rows, ${(r.rowsPerSecond as number).toLocaleString('en-US')} rows/s); `}` +
      `report ${r.reportSeconds} s, ${ran.length} metrics ran; the ${common.length} that run on every engine took ${common.reduce((a, m) => a + m.seconds!, 0).toFixed(2)} s\n`,
  );
}
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `clickhouse-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, customers: n, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
