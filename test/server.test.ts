/**
 * `retain serve` against a real server process on loopback (--port 0) over a small demo
 * workspace: the auth matrix generated from the route table, OpenAPI parity, the API's report
 * equal to the CLI's, problems with the CLI's codes, keys stored hashed, and a graceful SIGTERM.
 * The DuckDB file is locked while the server holds it, so everything the CLI must do (the demo,
 * the keys, the reports to compare with) is done before the server starts.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../src/metrics/registry.js';
import { openApiPath } from '../src/server/openapi.js';
import { defineRoute } from '../src/server/route.js';
import { ROUTES } from '../src/server/routes.js';
import { createApiKey, listApiKeys, lookupApiKey, revokeApiKey } from '../src/warehouse/api-keys.js';
import { openClickHouse } from '../src/warehouse/engines/clickhouse/driver.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { expectSame, TOLERANCE } from './helpers/conformance.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
const PERIOD = ['--from', '2025-07-01', '--to', '2026-01-01'];

const db = join(tmp(), 'serve.duckdb');
const keys: Record<'read' | 'admin' | 'ingest' | 'revoked', string> = { read: '', admin: '', ingest: '', revoked: '' };
/** What the CLI answers for the same requests, read before the server locks the file. */
const viaCli = { report: '', metrics: '', status: '', whereError: '', keys: '' };

function createKey(kind: string): { key: string; id: string } {
  const r = cli(['keys', 'create', '--kind', kind, '--format', 'json', '--db', db]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { key: string; id: string };
}

beforeAll(() => {
  const demo = cli(['demo', '--customers', '200', '--months', '6', '--end', '2026-01-01', '--db', db]);
  expect(demo.status, demo.stderr).toBe(0);
  for (const kind of ['read', 'admin', 'ingest'] as const) keys[kind] = createKey(kind).key;
  const revoked = createKey('read');
  expect(cli(['keys', 'revoke', revoked.id, '--db', db]).status).toBe(0);
  keys.revoked = revoked.key;
  viaCli.keys = cli(['keys', 'list', '--format', 'json', '--db', db]).stdout;
  const report = cli(['report', ...PERIOD, '--compare', 'previous', '--format', 'json', '--db', db]);
  expect(report.status, report.stderr).toBe(0);
  viaCli.report = report.stdout;
  viaCli.metrics = cli(['metrics', '--format', 'json']).stdout;
  viaCli.status = cli(['status', '--format', 'json', '--db', db]).stdout;
  const where = cli(['report', '--where', 'planet=Mars', '--format', 'json', '--db', db]);
  expect(where.status).toBe(2);
  viaCli.whereError = where.stderr;
}, 120_000);

describe('API keys at rest', () => {
  it('the table holds the SHA-256 hash and a 12-character prefix of each key, never the key', async () => {
    const wh = await openWorkspace({ db, readOnly: true });
    try {
      const rows = await wh.query('SELECT id, kind, hash, prefix, created_at, revoked_at FROM _api_keys');
      const text = JSON.stringify(rows);
      for (const key of Object.values(keys)) {
        // Not the key, nor its secret part (what follows rk_<kind>_).
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.replace(/^rk_[a-z]+_/, ''));
        expect(rows.map((r) => r.hash)).toContain(createHash('sha256').update(key).digest('hex'));
        expect(rows.map((r) => r.prefix)).toContain(key.slice(0, 12));
      }
      // 4 keys made, one revoked (its row appended again with revoked_at): 5 rows.
      expect(rows).toHaveLength(5);
      expect(rows.filter((r) => r.revoked_at !== null)).toHaveLength(1);
    } finally {
      await wh.close();
    }
  });

  it('retain keys list shows each key once, its kind, prefix and revocation, and no secret', () => {
    const list = JSON.parse(viaCli.keys) as { id: string; kind: string; prefix: string; revoked_at: string | null }[];
    // Made in this order: read, admin, ingest, then a read key that was revoked.
    expect(list.map((k) => [k.kind, k.prefix, k.revoked_at !== null])).toEqual([
      ['read', keys.read.slice(0, 12), false],
      ['admin', keys.admin.slice(0, 12), false],
      ['ingest', keys.ingest.slice(0, 12), false],
      ['read', keys.revoked.slice(0, 12), true],
    ]);
    for (const key of Object.values(keys)) expect(viaCli.keys).not.toContain(key.replace(/^rk_[a-z]+_/, ''));
  });

  it('keys carry their kind and 32 random bytes (43 base64url characters)', () => {
    expect(keys.read).toMatch(/^rk_read_[A-Za-z0-9_-]{43}$/);
    expect(keys.admin).toMatch(/^rk_admin_[A-Za-z0-9_-]{43}$/);
    expect(keys.ingest).toMatch(/^rk_ingest_[A-Za-z0-9_-]{43}$/);
  });

});

/** The key store on each engine: DuckDB in memory, and ClickHouse when RETAIN_TEST_CLICKHOUSE names one. */
const CLICKHOUSE = process.env.RETAIN_TEST_CLICKHOUSE;
const stores: { name: string; open: () => Promise<Warehouse>; drop?: (wh: Warehouse) => Promise<void> }[] = [
  { name: 'duckdb', open: memoryWorkspace },
  ...(CLICKHOUSE
    ? [{ name: 'clickhouse', open: () => openClickHouse({ url: CLICKHOUSE, database: `retain_test_keys_${process.pid}` }), drop: (wh: Warehouse) => wh.exec(`DROP DATABASE IF EXISTS retain_test_keys_${process.pid}`) }]
    : []),
];

describe.each(stores)('API keys on $name', ({ open, drop }) => {
  it('a key is refused from the first lookup after it is revoked (nothing cached)', async () => {
    const wh = await open();
    try {
      const k = await createApiKey(wh, 'admin');
      const other = await createApiKey(wh, 'read');
      expect(await lookupApiKey(wh, k.key)).toEqual({ id: k.id, kind: 'admin' });
      // One character changed: a different hash, unknown.
      expect(await lookupApiKey(wh, k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A'))).toBeNull();
      await revokeApiKey(wh, k.id);
      expect(await lookupApiKey(wh, k.key)).toBe('revoked');
      // Only that one: the other key still works, and the list shows one revoked of two.
      expect(await lookupApiKey(wh, other.key)).toEqual({ id: other.id, kind: 'read' });
      expect((await listApiKeys(wh)).map((x) => [x.id, x.revoked_at !== null])).toEqual(expect.arrayContaining([[k.id, true], [other.id, false]]));
      await expect(revokeApiKey(wh, 'key_nope')).rejects.toMatchObject({ code: 'unknown-key' });
    } finally {
      await drop?.(wh);
      await wh.close();
    }
  });
});

describe('the route table', () => {
  it('refuses a route without a permission', () => {
    expect(() => defineRoute({ method: 'GET', url: '/x', schemas: {}, summary: 'x', handler: () => null } as never)).toThrow(/declares no permission/);
  });
});

describe('retain serve', () => {
  let served: Served;
  let server: ChildProcess;
  let base = '';

  beforeAll(async () => {
    served = await serve(db);
    ({ server, base } = served);
  }, 60_000);

  afterAll(() => stop(served));

  const get = (path: string, key?: string) => fetch(base + path, key ? { headers: { authorization: `Bearer ${key}` } } : {});

  /** A request for each route; the heavy ones kept to one metric. */
  const SAMPLE: Record<string, string> = { '/v1/report': '/v1/report?metric=nps', '/v1/metrics/:id': '/v1/metrics/nps', '/v1/ingest/:table': '/v1/ingest/customers' };
  /** The body of each route that takes one: no rows, so the data the later tests compare stays the CLI's. */
  const BODY: Record<string, string> = { '/v1/ingest/:table': '[]' };
  const call = (method: string, url: string, key?: string) =>
    fetch(base + (SAMPLE[url] ?? url.replace(':id', 'nps')), {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(BODY[url] ? { 'content-type': 'application/json' } : {}) },
      ...(BODY[url] ? { body: BODY[url] } : {}),
    });
  /** Which callers each permission admits, written out here rather than read from the server. */
  const ADMITS: Record<string, readonly string[]> = {
    public: ['anonymous', 'read', 'admin', 'ingest', 'revoked'],
    read: ['read', 'admin'],
    analyst: ['admin'],
    admin: ['admin'],
    ingest: ['ingest', 'admin'],
  };
  const CALLERS = ['anonymous', 'read', 'admin', 'ingest', 'revoked'] as const;

  it('answers every route as its permission says, for every kind of caller', async () => {
    const cells: string[] = [];
    const expected: string[] = [];
    for (const r of ROUTES) {
      for (const caller of CALLERS) {
        const res = await call(r.method, r.url, caller === 'anonymous' ? undefined : keys[caller]);
        // Every answer is JSON but a page's (/docs).
        const body = (res.headers.get('content-type')?.includes('json') ? await res.json() : {}) as { code?: string };
        cells.push(`${r.method} ${r.url} as ${caller}: ${res.status} ${body.code ?? ''}`.trim());
        // Admitted: 200. No key or a revoked one: 401. A live key of the wrong kind: 403.
        const status = ADMITS[r.permission]!.includes(caller) ? 200 : caller === 'anonymous' || caller === 'revoked' ? 401 : 403;
        expected.push(`${r.method} ${r.url} as ${caller}: ${status} ${{ 200: '', 401: 'unauthorized', 403: 'forbidden' }[status]}`.trim());
      }
    }
    expect(cells).toEqual(expected);
    expect(cells.length).toBe(ROUTES.length * CALLERS.length);
  });

  it('answers an unknown route 404 not-found, as problem+json', async () => {
    const res = await get('/v1/nothing', keys.admin);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, code: 'not-found', title: 'Not found' });
  });

  it('documents every route of the table in /v1/openapi.json, and nothing else', async () => {
    const doc = (await (await get('/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { security: unknown[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(r.url)}`).sort());
    // Every documented path exists: with an admin key, none is an unknown route.
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      const res = await call(method, path.replace(/\{(\w+)\}/g, ':$1'), keys.admin);
      expect(`${op}: ${res.status}`).toBe(`${op}: 200`);
    }
    // The report's parameters are the CLI's options, repeatable ones exploded.
    const params = (doc.paths['/v1/report']!.get as unknown as { parameters: { name: string; explode: boolean }[] }).parameters;
    expect(params.map((p) => p.name)).toEqual(['from', 'to', 'grain', 'metric', 'team', 'where', 'by', 'compare', 'timezone', 'activity_window', 'variants', 'penalizer']);
    expect(doc.paths['/v1/report']!.get!.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
  });

  it('serves the API as a page at /docs, every route with its permission, nothing loaded from elsewhere', async () => {
    const res = await fetch(served.base + '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    // Inline style is all the page needs; the JSON routes keep default-src 'none' alone.
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect((await get('/v1/openapi.json')).headers.get('content-security-policy')).not.toContain('style-src');
    const html = await res.text();
    for (const r of ROUTES) {
      const path = openApiPath(r.url);
      expect(html, path).toContain(`<code>${r.method} ${path}</code>`);
      // Its section: method, path and permission in its heading.
      expect(html, path).toContain(`<span class="method">${r.method}</span><code>${path}</code><span class="perm">${r.permission}</span>`);
    }
    // Every parameter of the report, with its description.
    for (const p of ['from', 'to', 'grain', 'metric', 'where', 'by', 'compare', 'timezone']) expect(html).toContain(`<code>${p}</code>`);
    expect(html).toContain('first day of the period, YYYY-MM-DD');
    expect(html).not.toMatch(/<script|<link|\ssrc=|url\(/i);
  });

  it('gives the report of retain report --format json, value for value', async () => {
    const res = await get('/v1/report?from=2025-07-01&to=2026-01-01&compare=previous', keys.read);
    expect(res.status).toBe(200);
    const { cached_at, stale, ...api } = (await res.json()) as { metrics: { id: string }[]; cached_at: string; stale: boolean };
    const local = JSON.parse(viaCli.report) as typeof api;
    // The API's own two keys (the result cache's), then exactly the CLI's.
    expect([typeof cached_at, stale]).toEqual(['string', false]);
    expect({ ...api, metrics: null }).toEqual({ ...local, metrics: null });
    expect(api.metrics).toHaveLength(METRICS.length);
    // Counts exactly, other numbers to 1e-9 relative (the fitted models' to their tolerance): the
    // engine sums doubles on several threads, in an order that can change the last bit.
    api.metrics.forEach((m, i) => expectSame(local.metrics[i], m, m.id, TOLERANCE[m.id]));
  });

  it('gives the catalogue and the status of the CLI', async () => {
    expect(await (await get('/v1/metrics', keys.read)).json()).toEqual(JSON.parse(viaCli.metrics));
    expect(await (await get('/v1/status', keys.read)).json()).toEqual(JSON.parse(viaCli.status));
  });

  it('takes repeatable options as repeated parameters', async () => {
    const res = await get('/v1/report?from=2025-07-01&to=2026-01-01&metric=nps&metric=csat&where=country=DE', keys.read);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { metrics: { id: string }[] };
    expect(report.metrics.map((m) => m.id)).toEqual(METRICS.filter((m) => m.id === 'nps' || m.id === 'csat').map((m) => m.id));
  });

  it('answers a bad request 400 with the code the CLI gives', async () => {
    const grain = await get('/v1/report?grain=fortnight', keys.read);
    expect(grain.status).toBe(400);
    expect(grain.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await grain.json()).toMatchObject({ status: 400, code: 'bad-grain', detail: 'Unknown grain fortnight.' });
    const where = await get('/v1/report?where=planet=Mars', keys.read);
    expect(where.status).toBe(400);
    const p = (await where.json()) as { code: string; detail: string; hint: string };
    expect(p.code).toBe('unknown-field');
    // The CLI prints the same message and hint.
    expect(viaCli.whereError).toContain(p.detail);
    expect(viaCli.whereError).toContain(p.hint);
    const unknown = await get('/v1/report?colour=red', keys.read);
    expect(await unknown.json()).toMatchObject({ status: 400, code: 'bad-option' });
  });

  it('gives one metric by bucket with its summary, and 404 for an unknown one', async () => {
    const res = await get('/v1/metrics/nps?from=2025-10-01&to=2026-01-01', keys.read);
    const m = (await res.json()) as { entries: { start: string }[]; summary: { current: number | null; previous: number | null; change: number | null } };
    // Three months, one entry each; the summary compares with Jul–Sep (the previous period).
    expect(m.entries.map((e) => e.start)).toEqual(['2025-10-01', '2025-11-01', '2025-12-01']);
    const report = (await (await get('/v1/report?from=2025-10-01&to=2026-01-01&metric=nps&compare=previous', keys.read)).json()) as {
      metrics: { value: number; compare: { value: number; change: number } }[];
    };
    expect(m.summary).toMatchObject({ current: report.metrics[0]!.value, previous: report.metrics[0]!.compare.value, change: report.metrics[0]!.compare.change });
    const missing = await get('/v1/metrics/npss', keys.read);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'unknown-metric', hint: expect.stringContaining('nps') });
  });

  it('sets the security headers on every answer, and no CORS header', async () => {
    for (const res of [await get('/healthz'), await get('/v1/report?grain=fortnight', keys.read), await get('/v1/status')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The logs are JSON lines on stderr, each request's with its id.
    const lines = served.log().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { reqId?: string; msg: string });
    expect(lines.some((l) => l.msg === 'request completed' && l.reqId)).toBe(true);
  });

  it('on SIGTERM finishes the report in flight, then exits 0', async () => {
    const url = '/v1/report?from=2025-07-01&to=2026-01-01&compare=previous&variants=true';
    const answer = get(url, keys.read);
    // Signal once the server has the request (it logs it as it arrives).
    await new Promise<void>((resolve) => {
      const seen = () => served.log().includes(`"url":"${url}"`) && (server.stderr!.off('data', seen), resolve());
      server.stderr!.on('data', seen);
      seen();
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    process.kill(server.pid!, 'SIGTERM');
    const res = await answer;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metrics: unknown[] }).metrics).toHaveLength(METRICS.length);
    expect(await exited).toBe(0);
    // The shutdown began while the report was computing: its completion is logged after it.
    const id = res.headers.get('x-request-id')!;
    const completed = served.log().split('\n').findIndex((l) => l.includes(id) && l.includes('request completed'));
    const shutdown = served.log().split('\n').findIndex((l) => l.includes('shutting down'));
    expect(shutdown).toBeGreaterThanOrEqual(0);
    expect(shutdown).toBeLessThan(completed);
  }, 60_000);
});
