/**
 * `npm run bench` (third part): the full default report on the demo workspaces bench/demo.ts built
 * (BENCH_DEMO_CUSTOMERS, default 100000), total and per metric, against a plain DuckDB scan of
 * the tables each metric reads, measured in the same run; peak RSS of the process.
 * BENCH_METRICS=id,id times only those metrics (the results file then holds only them).
 * Results to bench/results/report-<date>.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetric, emptyTables, lastFullMonths } from '../src/metrics/compute.js';
import { METRICS } from '../src/metrics/registry.js';
import { ReportTables } from '../src/metrics/report-tables.js';
import { TABLE_NAMES, tableDef } from '../src/warehouse/schema/tables.js';
import { openWorkspace } from '../src/warehouse/open.js';

const here = import.meta.dirname;
const sizes = (process.env.BENCH_DEMO_CUSTOMERS ?? '100000').split(',').map(Number);
const results = [];
for (const n of sizes) {
  const db = join(here, '.data', `demo-${n}.duckdb`);
  if (!existsSync(db)) throw new Error(`${db} is missing: bench/demo.ts builds it first`);
  const wh = await openWorkspace({ db, readOnly: true });
  const empty = await emptyTables(wh, TABLE_NAMES);
  const { from, to } = lastFullMonths(12, 'UTC');
  // The baseline: a plain scan of each table over the report period — its key and time columns,
  // every row read (an aggregate DuckDB cannot answer from its statistics); the best of two runs.
  const scans = new Map<string, number>();
  for (const t of TABLE_NAMES) {
    const def = tableDef(t);
    const d = wh.dialect;
    const where = def.timeField ? `WHERE ${d.ident(def.timeField)} >= TIMESTAMPTZ '${from}' AND ${d.ident(def.timeField)} < TIMESTAMPTZ '${to}'` : '';
    const cols = [`min(${d.ident(def.key[0]!)})`, ...(def.timeField ? [`max(${d.ident(def.timeField)})`] : [])];
    let best = Infinity;
    for (let k = 0; k < 2; k++) {
      const t0 = performance.now();
      await wh.query(`SELECT count(*), ${cols.join(', ')} FROM ${d.ident(t)} ${where}`);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    scans.set(t, best);
  }
  const perMetric = [];
  // One cache for the report, as `retain report` has: a family's shared statistics run once and
  // are charged to its first metric.
  const cache = new Map();
  const tables = new ReportTables(wh);
  const t0 = performance.now();
  const only = process.env.BENCH_METRICS?.split(',');
  for (const m of METRICS.filter((x) => !only || only.includes(x.id))) {
    const s = performance.now();
    // With RETAIN_TRACE=1 the engine prints each statement: say whose they are.
    if (process.env.RETAIN_TRACE === '1') process.stderr.write(`[metric ${m.id}]\n`);
    await computeMetric(wh, m, { from, to, grain: 'month', timezone: 'UTC', slice: { where: [] }, cache, tables }, empty);
    const seconds = (performance.now() - s) / 1000;
    const scan = m.tables.reduce((a, t) => a + (scans.get(t) ?? 0), 0);
    perMetric.push({ id: m.id, seconds: Number(seconds.toFixed(3)), scanSeconds: Number(scan.toFixed(4)), ratio: Number((seconds / Math.max(scan, 1e-4)).toFixed(1)) });
  }
  const total = (performance.now() - t0) / 1000;
  await tables.drop();
  await wh.close();
  const slowest = [...perMetric].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  results.push({ customers: n, seconds: Number(total.toFixed(2)), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), perMetric });
  process.stdout.write(
    `report on demo ${n.toLocaleString('en-US')} customers: ${perMetric.length} metrics in ${total.toFixed(2)} s; slowest: ${slowest
      .map((x) => `${x.id} ${x.seconds} s (${x.ratio}× scan)`)
      .join(', ')}; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
  );
}
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `report-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
