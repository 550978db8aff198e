/**
 * `npm run bench` (serve part): GET /v1/report on `retain serve` over the demo workspaces
 * bench/demo.ts built (BENCH_DEMO_CUSTOMERS, default 100000,1000000; a size whose file is missing
 * is skipped with a line saying so), each served from a copy so the bench's one ingested row
 * never changes the demo. Per size:
 * - the baseline: `retain report --format json` on the same file, wall time (the CLI's own run);
 * - cold: the first report after the server starts, and the refresh after a data version moves
 *   (a row ingested: the next answer is the stale one at once, then a fresh one is computed);
 * - /healthz sampled every 10 ms while the cold report computes (p50, p99, max), against the same
 *   sampling with the server idle;
 * - cached: autocannon on the report for 10 s from 10 connections (p50, p99, req/s), against
 *   autocannon on /healthz, the server's floor, in the same run.
 * Results to bench/results/serve-report-<date>.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './peak.js';

interface Histogram {
  p50: number;
  p99: number;
  average: number;
}
interface AutocannonResult {
  latency: Histogram & { max: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (o: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<AutocannonResult>;

const here = import.meta.dirname;
const BIN = join(here, '..', 'bin', 'retain.js');
const sizes = (process.env.BENCH_DEMO_CUSTOMERS ?? '100000,1000000').split(',').map(Number);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** Start `retain serve` on db; resolves with its URL once it listens. */
function serve(db: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`retain serve exited with ${code}`)));
  });
}

/**
 * Sample GET /healthz every 10 ms (one at a time: a stalled loop shows as one long sample) until
 * `until` settles; each sample's latency in ms.
 */
async function sampleHealth(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const samples: number[] = [];
  while (!done) {
    const t0 = performance.now();
    await (await fetch(`${url}/healthz`)).text();
    const ms = performance.now() - t0;
    samples.push(ms);
    await new Promise((r) => setTimeout(r, Math.max(0, 10 - ms)));
  }
  return samples;
}

const summary = (xs: readonly number[]) => ({ samples: xs.length, p50: round(quantile(xs, 0.5), 2), p99: round(quantile(xs, 0.99), 2), max: round(Math.max(...xs), 2) });

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await p;
  return [v, (performance.now() - t0) / 1000];
}

const results = [];
for (const n of sizes) {
  const demo = join(here, '.data', `demo-${n}.duckdb`);
  if (!existsSync(demo)) {
    process.stdout.write(`serve-report: ${demo} is missing (bench/demo.ts builds it); skipped\n`);
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), 'retain-bench-serve-'));
  const db = join(dir, 'demo.duckdb');
  copyFileSync(demo, db);
  try {
    const made = spawnSync(process.execPath, [BIN, 'keys', 'create', '--kind', 'admin', '--format', 'json', '--db', db], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const key = (JSON.parse(made.stdout) as { key: string }).key;
    const headers = { authorization: `Bearer ${key}` };

    // The baseline: the CLI's report of the same file (the default period, every metric).
    const cli = await measure(process.execPath, [BIN, 'report', '--format', 'json', '--db', db]);
    if (cli.code !== 0) throw new Error(`retain report exited with ${cli.code}`);

    const server = await serve(db);
    try {
      const report = async () => {
        const res = await fetch(`${server.url}/v1/workspaces/demo/report`, { headers });
        if (res.status !== 200) throw new Error(`GET /v1/report: ${res.status} ${await res.text()}`);
        return (await res.json()) as { stale: boolean; cached_at: string };
      };
      const idle = await sampleHealth(server.url, new Promise((r) => setTimeout(r, 2000)));
      const first = timed(report());
      const during = await sampleHealth(server.url, first);
      const [, coldSeconds] = await first;

      // A version bump: one row into a table the report reads; the next answer is stale, at once.
      const ingest = await fetch(`${server.url}/v1/workspaces/demo/ingest/survey_responses`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify([{ response_id: `bench-${Date.now()}`, survey: 'nps', score: 9, responded_at: new Date(Date.now() - 86_400_000).toISOString() }]),
      });
      if (((await ingest.json()) as { accepted: number }).accepted !== 1) throw new Error('the bench row was not accepted');
      const [stale, staleSeconds] = await timed(report());
      if (!stale.stale) throw new Error('the answer after the ingest was not stale');
      const t0 = performance.now();
      let fresh = stale;
      while (fresh.stale) {
        await new Promise((r) => setTimeout(r, 20));
        fresh = await report();
      }
      const refreshSeconds = (performance.now() - t0) / 1000 + staleSeconds;

      const cached = await autocannon({ url: `${server.url}/v1/workspaces/demo/report`, connections: 10, duration: 10, headers });
      const floor = await autocannon({ url: `${server.url}/healthz`, connections: 10, duration: 10 });
      if (cached.non2xx || cached.errors) throw new Error(`cached report: ${cached.non2xx} non-2xx, ${cached.errors} errors`);
      const load = (r: AutocannonResult) => ({ p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, requestsPerSecond: Math.round(r.requests.average) });
      const result = {
        customers: n,
        cliReportSeconds: round(cli.seconds, 2),
        cold: { seconds: round(coldSeconds, 2), ratioToCli: round(coldSeconds / cli.seconds, 2) },
        afterBump: { staleAnswerMs: round(staleSeconds * 1000, 1), freshAfterSeconds: round(refreshSeconds, 2), ratioToCli: round(refreshSeconds / cli.seconds, 2) },
        healthzIdleMs: summary(idle),
        healthzDuringColdMs: summary(during),
        cachedMs: load(cached),
        healthzLoadMs: load(floor),
        cachedVsHealthz: { p50: round(cached.latency.p50 / Math.max(floor.latency.p50, 1), 1), requestsPerSecond: round(cached.requests.average / floor.requests.average, 3) },
        cachedVsCli: { speedup: Math.round((cli.seconds * 1000) / Math.max(cached.latency.p50, 1)) },
      };
      results.push(result);
      process.stdout.write(
        `serve report on demo ${n.toLocaleString('en-US')} customers: CLI ${result.cliReportSeconds} s; cold ${result.cold.seconds} s (${result.cold.ratioToCli}× CLI); ` +
          `after a bump stale in ${result.afterBump.staleAnswerMs} ms, fresh in ${result.afterBump.freshAfterSeconds} s; ` +
          `/healthz during cold p99 ${result.healthzDuringColdMs.p99} ms, max ${result.healthzDuringColdMs.max} ms (idle p99 ${result.healthzIdleMs.p99} ms); ` +
          `cached p50 ${cached.latency.p50} ms, p99 ${cached.latency.p99} ms, ${result.cachedMs.requestsPerSecond} req/s (${result.cachedVsHealthz.requestsPerSecond}× /healthz's)\n`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `serve-report-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
