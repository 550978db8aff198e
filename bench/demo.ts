/**
 * `npm run bench` (second part): `retain demo` at BENCH_DEMO_CUSTOMERS customers (default
 * 100000; 1000000 works too), generation and import of every table through the real CLI, with
 * wall time, rows and the process's peak RSS. Results to bench/results/demo-<date>.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_END, measure } from './peak.js';

const here = import.meta.dirname;
const sizes = (process.env.BENCH_DEMO_CUSTOMERS ?? '100000').split(',').map(Number);
const results = [];
for (const n of sizes) {
  const db = join(here, '.data', `demo-${n}.duckdb`);
  mkdirSync(join(here, '.data'), { recursive: true });
  for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
  const r = await measure(process.execPath, [join(here, '..', 'bin', 'retain.js'), 'demo', '--customers', String(n), '--end', DEMO_END, '--db', db, '--format', 'json']);
  if (r.code !== 0) throw new Error(`retain demo exited with ${r.code}`);
  const tables = JSON.parse(r.stdout) as { table: string; read: number; quarantined: number }[];
  const rows = tables.reduce((s, t) => s + t.read, 0);
  const result = { customers: n, seconds: Number(r.seconds.toFixed(2)), rows, rowsPerSecond: Math.round(rows / r.seconds), peakRssMB: r.peakRssMB, tables: Object.fromEntries(tables.map((t) => [t.table, t.read])) };
  results.push(result);
  process.stdout.write(
    `demo ${n.toLocaleString('en-US')} customers: ${rows.toLocaleString('en-US')} rows generated and imported in ${result.seconds} s ` +
      `(${result.rowsPerSecond.toLocaleString('en-US')} rows/s), peak RSS ${r.peakRssMB} MB\n`,
  );
}
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `demo-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
