/**
 * `npm run bench`: orders CSV import at 1M and 10M rows. For each size, `retain import` and the
 * baseline (DuckDB's own read_csv into the same table) run in the same session on the same file,
 * each in a fresh process and workspace; the ratio of their rows/s is the figure. Peak RSS too.
 * Measured twice: in process (the import alone, bench/one.ts), and as a user sees it, the whole
 * `retain import` process (start-up, opening the workspace, the summary) against a node one-liner
 * that loads the file with read_csv. Run `npm run build` first so the CLI runs compiled.
 * Results go to bench/results/import-<date>.json. BENCH_SIZES=1000000 limits the sizes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { distIsStale } from '../scripts/build.js';
import { measure } from './peak.js';

const here = import.meta.dirname;
const dataDir = join(here, '.data');
const sizes = (process.env.BENCH_SIZES ?? '1000000,10000000').split(',').map(Number);
mkdirSync(dataDir, { recursive: true });
mkdirSync(join(here, 'results'), { recursive: true });

async function ordersCsv(n: number): Promise<string> {
  const file = join(dataDir, `orders_${n}.csv`);
  if (existsSync(file)) return file;
  process.stderr.write(`writing ${file} …\n`);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  // Realistic shapes: ~8 orders a customer, three years of timestamps, 3 % cancelled.
  await c.run(`COPY (SELECT 'o' || i AS order_id, 'c' || (hash(i) % ${Math.max(1, Math.floor(n / 8))}) AS customer_id,
      strftime(TIMESTAMP '2023-01-01' + to_seconds((hash(i * 7) % 94000000)::BIGINT), '%Y-%m-%dT%H:%M:%SZ') AS ordered_at,
      round((hash(i * 13) % 30000) / 100.0 + 5, 2) AS amount, 'USD' AS currency,
      CASE WHEN hash(i * 17) % 33 = 0 THEN 'cancelled' ELSE 'completed' END AS status,
      CASE hash(i * 19) % 3 WHEN 0 THEN 'web' WHEN 1 THEN 'app' ELSE 'store' END AS channel
    FROM range(${n}) t(i)) TO '${file}' (HEADER, DELIMITER ',')`);
  c.closeSync();
  db.closeSync();
  return file;
}

function run(mode: string, file: string): { seconds: number; rows: number; maxRssMB: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'one.ts'), mode, file, join(dataDir, `bench-${mode}.duckdb`)], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; rows: number; maxRssMB: number };
}

/** A fresh workspace file for one run. */
function fresh(name: string): string {
  const db = join(dataDir, name);
  for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
  return db;
}

/**
 * The whole process, wall time and peak RSS: `retain import` as a user runs it, and the baseline,
 * a plain node one-liner (no TypeScript loader) that creates the table with DuckDB's read_csv.
 */
async function wholeProcess(file: string): Promise<{ retain: { seconds: number; peakRssMB: number }; readCsv: { seconds: number; peakRssMB: number } }> {
  if (distIsStale()) throw new Error('dist/ is missing or older than src/: run npm run build first.');
  const oneLiner = `const { DuckDBInstance } = require('@duckdb/node-api');
    (async () => { const c = await (await DuckDBInstance.create(process.argv[1])).connect();
      await c.run("CREATE TABLE orders AS SELECT * FROM read_csv('" + process.argv[2].replaceAll("'", "''") + "')"); c.closeSync(); })();`;
  const readCsv = await measure(process.execPath, ['-e', oneLiner, fresh('bench-read_csv-process.duckdb'), file]);
  const retain = await measure(process.execPath, [join(here, '..', 'bin', 'retain.js'), 'import', 'orders', file, '--db', fresh('bench-retain-process.duckdb'), '--format', 'json']);
  if (readCsv.code !== 0 || retain.code !== 0) throw new Error('a whole-process run failed');
  return { retain: { seconds: retain.seconds, peakRssMB: retain.peakRssMB }, readCsv: { seconds: readCsv.seconds, peakRssMB: readCsv.peakRssMB } };
}

const results = [];
for (const n of sizes) {
  const file = await ordersCsv(n);
  const baseline = run('read_csv', file);
  const retain = run('retain', file);
  const whole = await wholeProcess(file);
  const r = {
    rows: n,
    retain: { ...retain, rowsPerSecond: Math.round(n / retain.seconds) },
    duckdb_read_csv: { ...baseline, rowsPerSecond: Math.round(n / baseline.seconds) },
    speedRatio: Number((baseline.seconds / retain.seconds).toFixed(3)),
    // As a user sees it: the whole `retain import` process against a node one-liner's read_csv.
    process: {
      retain: { seconds: Number(whole.retain.seconds.toFixed(3)), peakRssMB: whole.retain.peakRssMB, rowsPerSecond: Math.round(n / whole.retain.seconds) },
      duckdb_read_csv: { seconds: Number(whole.readCsv.seconds.toFixed(3)), peakRssMB: whole.readCsv.peakRssMB, rowsPerSecond: Math.round(n / whole.readCsv.seconds) },
      speedRatio: Number((whole.readCsv.seconds / whole.retain.seconds).toFixed(3)),
    },
  };
  results.push(r);
  process.stdout.write(
    `orders ${n.toLocaleString('en-US')} rows: retain import ${r.retain.rowsPerSecond.toLocaleString('en-US')} rows/s ` +
      `(${retain.seconds.toFixed(2)} s, peak RSS ${retain.maxRssMB} MB) vs DuckDB read_csv ${r.duckdb_read_csv.rowsPerSecond.toLocaleString('en-US')} rows/s ` +
      `(${baseline.seconds.toFixed(2)} s, peak RSS ${baseline.maxRssMB} MB): ratio ${r.speedRatio}\n` +
      `  whole process: retain import ${whole.retain.seconds.toFixed(2)} s (peak RSS ${whole.retain.peakRssMB} MB) vs node + read_csv ` +
      `${whole.readCsv.seconds.toFixed(2)} s (peak RSS ${whole.readCsv.peakRssMB} MB): ratio ${r.process.speedRatio}\n`,
  );
}
const out = join(here, 'results', `import-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
