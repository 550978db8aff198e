/**
 * GET /metrics against a real `retain serve` on loopback: the Prometheus text format parsed line
 * by line (every series under its HELP and TYPE, histogram buckets cumulative up to +Inf = count),
 * and the counters moved by exactly the requests and the rows sent between two scrapes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const db = join(tmp(), 'metrics.duckdb');
const keys = { admin: '', ingest: '', read: '' };
let s: Served;

beforeAll(async () => {
  for (const kind of ['admin', 'ingest', 'read'] as const) {
    const r = spawnSync(process.execPath, [BIN, 'keys', 'create', '--kind', kind, '--format', 'json', '--db', db], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    keys[kind] = (JSON.parse(r.stdout) as { key: string }).key;
  }
  s = await serve(db);
}, 60_000);

afterAll(() => stop(s));

interface Exposition {
  types: Map<string, string>;
  /** `name{label="value",…}` → value, labels as the server wrote them. */
  values: Map<string, number>;
}

/** The text format, checked as parsed: HELP and TYPE before a metric's series, each series a name, labels and a number. */
function parse(text: string): Exposition {
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const values = new Map<string, number>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    const meta = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') helped.add(meta[2]!);
      else types.set(meta[2]!, meta[3]!);
      continue;
    }
    const m = /^(\w+)(\{(?:\w+="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const name = m![1]!;
    const family = [...types.keys()].find((t) => name === t || (types.get(t) === 'histogram' && [`${t}_bucket`, `${t}_sum`, `${t}_count`].includes(name)));
    expect(family, `${name} has no TYPE before it`).toBeDefined();
    expect(helped.has(family!), `${family} has no HELP`).toBe(true);
    values.set(`${name}${m![2] ?? ''}`, Number(m![3]));
  }
  return { types, values };
}

const scrape = async (): Promise<Exposition> => {
  const res = await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${keys.admin}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parse(await res.text());
};

const ingest = (rows: unknown[], idempotencyKey?: string) =>
  fetch(s.v1('/ingest/customers'), {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(rows),
  });

describe('GET /metrics', () => {
  it('is for admin keys only', async () => {
    expect((await fetch(`${s.base}/metrics`)).status).toBe(401);
    expect((await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${keys.read}` } })).status).toBe(403);
  });

  it('counts requests by route, method and status, times them, and counts ingested rows by outcome', async () => {
    const before = await scrape();
    expect(before.types.get('retain_http_requests_total')).toBe('counter');
    expect(before.types.get('retain_http_request_duration_seconds')).toBe('histogram');
    expect(before.types.get('retain_ingest_queue_rows')).toBe('gauge');
    // Nothing cached yet, but the counters are there for a dashboard to find.
    expect(before.values.get('retain_cache_hits_total')).toBe(0);
    expect(before.values.get('retain_cache_misses_total')).toBe(0);

    for (let i = 0; i < 2; i++) expect((await fetch(s.v1('/status'), { headers: { authorization: `Bearer ${keys.read}` } })).status).toBe(200);
    expect((await fetch(s.v1('/status'))).status).toBe(401);
    expect((await fetch(s.v1('/nothing'), { headers: { authorization: `Bearer ${keys.read}` } })).status).toBe(404);
    const rows = [
      { customer_id: 'm1', created_at: '2026-01-05T10:00:00Z' },
      { customer_id: 'm2', created_at: '2026-01-05T10:00:00Z' },
      { customer_id: 'm1', created_at: '2026-01-05T10:00:00Z' }, // a duplicate of row 0
      { customer_id: 'm3', created_at: 'not a time' }, // rejected
    ];
    expect(await (await ingest(rows, 'metrics-1')).json()).toMatchObject({ accepted: 2, duplicates: 1 });
    // The replay stores nothing, so it counts no rows (its request is counted).
    expect((await ingest(rows, 'metrics-1')).headers.get('idempotent-replayed')).toBe('true');
    const after = await scrape();

    const moved = (series: string) => (after.values.get(series) ?? 0) - (before.values.get(series) ?? 0);
    expect(moved('retain_http_requests_total{route="/v1/workspaces/:workspace/status",method="GET",status="200"}')).toBe(2);
    expect(moved('retain_http_requests_total{route="/v1/workspaces/:workspace/status",method="GET",status="401"}')).toBe(1);
    expect(moved('retain_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
    expect(moved('retain_http_requests_total{route="/v1/workspaces/:workspace/ingest/:table",method="POST",status="200"}')).toBe(2);
    // The first scrape is counted once it has answered: the second one sees it.
    expect(moved('retain_http_requests_total{route="/metrics",method="GET",status="200"}')).toBe(1);
    // 2 answered + 1 refused /v1/status requests timed; each landed in +Inf and in the buckets above its time.
    expect(moved('retain_http_request_duration_seconds_count{route="/v1/workspaces/:workspace/status",method="GET"}')).toBe(3);
    expect(moved('retain_http_request_duration_seconds_bucket{route="/v1/workspaces/:workspace/status",method="GET",le="+Inf"}')).toBe(3);
    expect(moved('retain_http_request_duration_seconds_sum{route="/v1/workspaces/:workspace/status",method="GET"}')).toBeGreaterThan(0);
    expect(moved('retain_ingest_rows_total{outcome="accepted"}')).toBe(2);
    expect(moved('retain_ingest_rows_total{outcome="duplicate"}')).toBe(1);
    expect(moved('retain_ingest_rows_total{outcome="rejected"}')).toBe(1);
    // Both answers were given after their commit: nothing waits.
    expect(after.values.get('retain_ingest_queue_rows')).toBe(0);
  });

  it('writes each histogram cumulatively: buckets never fall, and +Inf is the count', async () => {
    const { types, values } = await scrape();
    for (const [name, type] of types) {
      if (type !== 'histogram') continue;
      const series = new Map<string, number[]>();
      for (const [k, v] of values) {
        const m = new RegExp(`^${name}_bucket\\{(.*),le="([^"]+)"\\}$`).exec(k);
        if (m) series.set(m[1]!, [...(series.get(m[1]!) ?? []), v]);
      }
      expect(series.size).toBeGreaterThan(0);
      for (const [labels, counts] of series) {
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        expect(counts.at(-1)).toBe(values.get(`${name}_count{${labels}}`));
      }
    }
  });
});
