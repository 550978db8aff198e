/**
 * `npm run bench`: HTTP ingest through a real `retain serve` on loopback, driven by autocannon.
 * A fresh demo workspace (BENCH_SERVE_CUSTOMERS, default 1000 customers) with an ingest key; then
 * (a) 100-row batches of activity events for BENCH_INGEST_SECONDS (60) from BENCH_CONNECTIONS (50)
 * connections, a unique Idempotency-Key and unique event ids per request, and (b) single-row
 * requests for BENCH_SINGLE_SECONDS (30). Each phase: rows/s, requests/s, p50/p99/max latency,
 * 503s. The baseline, measured in the same run with the same load: a bare Fastify route that
 * parses the same bodies and answers their count (bench/echo-server.ts), so the ratio says what
 * ingest costs beyond HTTP and JSON on this machine.
 *
 * No row lost, counted: a request the load generator stopped waiting for when a phase ended is
 * sent again with its key (the server answers it once, whether it had committed it or not); the
 * server is then stopped (SIGTERM) and the rows in the table counted with `retain sql`: they must
 * equal the rows the answers accepted, each id once, or the bench fails. Peak RSS of the server
 * from /proc. Results to bench/results/serve-ingest-<date>.json. Run `npm run build` first;
 * BENCH_SERVER_LOG=FILE keeps the server's log (with RETAIN_TRACE=1, every statement it ran).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { distIsStale } from '../scripts/build.js';
import { DEMO_END } from './peak.js';

const here = import.meta.dirname;
const bin = join(here, '..', 'bin', 'retain.js');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const customers = env('BENCH_SERVE_CUSTOMERS', 1000);
const connections = env('BENCH_CONNECTIONS', 50);
const phases = [
  { name: 'batches', rowsPerRequest: 100, seconds: env('BENCH_INGEST_SECONDS', 60) },
  { name: 'single rows', rowsPerRequest: 1, seconds: env('BENCH_SINGLE_SECONDS', 30) },
];
// The baseline answers in microseconds: a shorter run measures it as well.
const baselineSeconds = env('BENCH_BASELINE_SECONDS', 15);
if (distIsStale()) throw new Error('dist/ is missing or older than src/: run npm run build first.');

const dir = mkdtempSync(join(tmpdir(), 'retain-bench-serve-'));
const db = join(dir, 'demo.duckdb');
const retain = (args: string[]) => execFileSync(process.execPath, [bin, ...args, '--db', db], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
process.stderr.write(`demo workspace of ${customers} customers …\n`);
retain(['demo', '--customers', String(customers), '--end', DEMO_END, '--format', 'json']);
const { key } = JSON.parse(retain(['keys', 'create', '--kind', 'ingest', '--format', 'json'])) as { key: string };
const ids = (JSON.parse(retain(['sql', 'SELECT customer_id FROM customers ORDER BY customer_id', '--format', 'json'])) as { customer_id: string }[]).map((r) => r.customer_id);

/** A server child on loopback: its URL once it listens, its exit, and its peak RSS (VmHWM, sampled). */
async function start(args: string[], log?: string) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', log ? openSync(log, 'w') : 'ignore'] });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Math.round(Number(m[1]) / 1024));
    } catch {
      // it has exited
    }
  }, 200);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => (clearInterval(sampler), resolve(code ?? 1))));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  return { url, peakRssMB: () => peak, stop: async () => (child.kill('SIGTERM'), exited) };
}

const at = new Date(Date.now() - 3600_000).toISOString();
let sent = 0;
/** A request's body: `rows` events with ids unique to it (the key is unique to it too). */
const body = (requestKey: string, rows: number) =>
  `[${Array.from({ length: rows }, (_, j) => `{"event_id":"${requestKey}-${j}","customer_id":"${ids[(sent + j) % ids.length]}","occurred_at":"${at}","name":"bench"}`).join(',')}]`;

interface Phase {
  rowsPerRequest: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  rowsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** 503 answers (a full queue): nothing of those requests was taken. */
  refused: number;
  errors: number;
  /** Rows the answers counted as accepted, the re-sent requests' included. */
  accepted: number;
  /** Requests without an answer when the phase ended, sent again with their key. */
  resent: number;
}

/** One phase against `url`: autocannon, then the unanswered requests re-sent with their keys. */
async function load(url: string, tag: string, rowsPerRequest: number, seconds: number): Promise<Phase> {
  const unanswered = new Map<string, string>();
  let accepted = 0;
  let refused = 0;
  const answered = (status: number, text: string, requestKey: string) => {
    if (status === 200) accepted += (JSON.parse(text) as { accepted: number }).accepted;
    else if (status === 503) refused++;
    // Neither stored nor refused (an error): it stays to be sent again.
    else return;
    unanswered.delete(requestKey);
  };
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const r = await autocannon({
    url: `${url}/v1/workspaces/demo/ingest/activity_events`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const requestKey = `bench-${tag}-${sent++}`;
          const text = body(requestKey, rowsPerRequest);
          unanswered.set(requestKey, text);
          context.key = requestKey;
          return { ...request, method: 'POST', body: text, headers: { ...headers, 'idempotency-key': requestKey } };
        },
        onResponse: (status, text, context) => answered(status, text, String(context.key)),
      },
    ],
  });
  const resent = unanswered.size;
  for (const [requestKey, text] of [...unanswered]) {
    const res = await fetch(`${url}/v1/workspaces/demo/ingest/activity_events`, { method: 'POST', headers: { ...headers, 'idempotency-key': requestKey }, body: text });
    const answer = await res.text();
    // Refused (503) it is not taken, and counts nothing; anything but that or 200 is a failure of the bench.
    if (res.status !== 200 && res.status !== 503) throw new Error(`re-sent request ${requestKey} answered ${res.status}: ${answer}`);
    answered(res.status, answer, requestKey);
  }
  const requests = r['2xx'];
  return {
    rowsPerRequest,
    seconds: r.duration,
    requests,
    requestsPerSecond: Math.round(requests / r.duration),
    rowsPerSecond: Math.round((requests * rowsPerRequest) / r.duration),
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    refused,
    errors: r.errors,
    accepted,
    resent,
  };
}

const report = (name: string, p: Phase) =>
  process.stdout.write(
    `${name.padEnd(28)} ${String(p.rowsPerSecond).padStart(7)} rows/s ${String(p.requestsPerSecond).padStart(6)} req/s  p50 ${p.latencyMs.p50} ms  p99 ${p.latencyMs.p99} ms  max ${p.latencyMs.max} ms  503s ${p.refused}  errors ${p.errors}\n`,
  );

const echo = await start(['--import', 'tsx', join(here, 'echo-server.ts')]);
const baseline: Record<string, Phase> = {};
for (const p of phases) report(`baseline (echo) ${p.name}`, (baseline[p.name] = await load(echo.url, `echo${p.rowsPerRequest}`, p.rowsPerRequest, baselineSeconds)));
await echo.stop();

// BENCH_SERVER_PROFILE=DIR writes the server's CPU profile there (node --cpu-prof) when it stops.
const profile = process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`] : [];
const server = await start([...profile, bin, 'serve', '--port', '0', '--db', db], process.env.BENCH_SERVER_LOG);
const measured: Record<string, Phase> = {};
for (const p of phases) report(`retain serve ${p.name}`, (measured[p.name] = await load(server.url, `p${p.rowsPerRequest}`, p.rowsPerRequest, p.seconds)));
const code = await server.stop();
if (code !== 0) throw new Error(`retain serve exited with ${code} on SIGTERM`);

// Counted in the file, after the server has stopped.
const [found] = JSON.parse(retain(['sql', "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM activity_events WHERE event_id LIKE 'bench-p%'", '--format', 'json'])) as { n: number; d: number }[];
const accepted = Object.values(measured).reduce((s, p) => s + p.accepted, 0);
const rows = { accepted, found: Number(found?.n), distinct: Number(found?.d), lost: accepted - Number(found?.d) };
rmSync(dir, { recursive: true, force: true });

const ratio = (name: string) => Number((measured[name]!.requestsPerSecond / baseline[name]!.requestsPerSecond).toFixed(3));
const results = {
  date: new Date().toISOString(),
  machine: `${process.arch}, node ${process.version}`,
  // The machine is shared: what else ran during the bench moves every figure, the baseline's too.
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  connections,
  customers,
  phases: measured,
  baseline: { what: 'bare Fastify route parsing the same bodies (bench/echo-server.ts)', phases: baseline },
  ratioToBaseline: Object.fromEntries(phases.map((p) => [p.name, ratio(p.name)])),
  server: { peakRssMB: server.peakRssMB() },
  rows,
  // The goals of issue 15, and whether this run met them.
  goals: {
    batchRowsPerSecond: { goal: 50_000, met: measured['batches']!.rowsPerSecond >= 50_000 },
    batchP99Ms: { goal: 100, met: measured['batches']!.latencyMs.p99 < 100 },
    singleRequestsPerSecond: { goal: 2000, met: measured['single rows']!.requestsPerSecond >= 2000 },
    rowsLost: { goal: 0, met: rows.lost === 0 && rows.found === rows.accepted },
  },
};
process.stdout.write(`ratio to the baseline (req/s): ${phases.map((p) => `${p.name} ${ratio(p.name)}`).join(', ')}; server peak RSS ${server.peakRssMB()} MB\n`);
process.stdout.write(`rows: ${rows.accepted} accepted, ${rows.found} found (${rows.distinct} distinct), ${rows.lost} lost\n`);
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `serve-ingest-${results.date.slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
if (rows.found !== rows.accepted || rows.distinct !== rows.accepted) throw new Error(`rows lost or doubled: ${rows.accepted} accepted, ${rows.found} found, ${rows.distinct} distinct`);
