/**
 * `npm run bench`: how long a command takes to start, as a user sees it (the whole process). Median
 * of BENCH_RUNS (10) runs each of `node -e 0` (the floor: starting Node itself, measured in the
 * same session so a busy machine moves both), `retain --help`, `retain --version` and `retain
 * status` on a small workspace; each as ms and as a ratio to `node -e 0`, with peak RSS.
 * Results go to bench/results/startup-<date>.json. Run `npm run build` first: bin/retain.js runs
 * the source through tsx when dist/ is missing or stale, and that is not what users run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distIsStale } from '../scripts/build.js';
import { measure } from './peak.js';

const here = import.meta.dirname;
const bin = join(here, '..', 'bin', 'retain.js');
const runs = Number(process.env.BENCH_RUNS ?? 10);
if (distIsStale()) throw new Error('dist/ is missing or older than src/: run npm run build first.');

// The small workspace: three customers, imported through the CLI.
const dir = mkdtempSync(join(tmpdir(), 'retain-bench-startup-'));
const db = join(dir, 'small.duckdb');
const csv = join(dir, 'customers.csv');
writeFileSync(csv, 'customer_id,email,created_at\nc1,a@example.com,2025-01-05\nc2,b@example.com,2025-02-11\nc3,,2025-03-20\n');
const imported = await measure(process.execPath, [bin, 'import', 'customers', csv, '--db', db, '--format', 'json']);
if (imported.code !== 0) throw new Error('the small workspace could not be built');

const commands: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'retain --help': [bin, '--help'],
  'retain --version': [bin, '--version'],
  'retain status': [bin, 'status', '--db', db],
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// Interleaved, so a burst of load elsewhere on the machine falls on all commands alike.
const samples: Record<string, { ms: number[]; peakRssMB: number[] }> = Object.fromEntries(Object.keys(commands).map((k) => [k, { ms: [], peakRssMB: [] }]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const r = await measure(process.execPath, args);
    if (r.code !== 0) throw new Error(`${name} exited with ${r.code}`);
    samples[name]!.ms.push(r.seconds * 1000);
    samples[name]!.peakRssMB.push(r.peakRssMB);
  }
}
rmSync(dir, { recursive: true, force: true });

const floor = median(samples['node -e 0']!.ms);
const results = Object.entries(samples).map(([command, s]) => ({
  command,
  medianMs: Math.round(median(s.ms)),
  minMs: Math.round(Math.min(...s.ms)),
  maxMs: Math.round(Math.max(...s.ms)),
  ratioToNode: Number((median(s.ms) / floor).toFixed(2)),
  peakRssMB: Math.max(...s.peakRssMB),
}));
for (const r of results) {
  process.stdout.write(`${r.command.padEnd(18)} median ${String(r.medianMs).padStart(5)} ms (${r.minMs}–${r.maxMs})  ${r.ratioToNode.toFixed(2)}× node -e 0  peak RSS ${r.peakRssMB} MB\n`);
}
const out = join(here, 'results', `startup-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, runs, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
