/**
 * `retain serve` against a real server process on loopback (--port 0) over a folder of two
 * workspaces (shop, other): the auth matrix generated from the route table — every route called
 * as anonymous, each role of shop, each key kind of shop, a revoked key, and other's admin (a user
 * and a key) — OpenAPI parity, the API's report equal to the CLI's, problems with the CLI's codes,
 * keys stored hashed, and a graceful SIGTERM. The DuckDB files are locked while the server holds
 * them, so everything the CLI must do (the demos, the keys, the users, the reports to compare
 * with) is done before the server starts.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../src/metrics/registry.js';
import { openApiPath } from '../src/server/openapi.js';
import { defineRoute, isWorkspaceRoute, mountedUrl } from '../src/server/route.js';
import { ROUTES } from '../src/server/routes.js';
import { createApiKey, listApiKeys, lookupApiKey, revokeApiKey } from '../src/warehouse/api-keys.js';
import { openClickHouse } from '../src/warehouse/engines/clickhouse/driver.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { expectSame, TOLERANCE } from './helpers/conformance.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { memoryWorkspace, tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' }, ...(input ? { input } : {}) });
const PERIOD = ['--from', '2025-07-01', '--to', '2026-01-01'];

const dir = join(tmp(), 'workspaces');
mkdirSync(dir, { recursive: true });
const db = join(dir, 'shop.duckdb');
const otherDb = join(dir, 'other.duckdb');
const keys: Record<'read' | 'admin' | 'ingest' | 'revoked' | 'otherAdmin', string> = { read: '', admin: '', ingest: '', revoked: '', otherAdmin: '' };
let revokedId = '';
const ROLES = ['owner', 'admin', 'analyst', 'viewer'] as const;
const PASSWORD = 'correct horse battery';
const emailOf = (who: string) => `${who}@example.com`;
/** What the CLI answers for the same requests, read before the server locks the file. */
const viaCli = { report: '', metrics: '', status: '', whereError: '', keys: '' };

function createKey(kind: string, file = db): { key: string; id: string } {
  const r = cli(['keys', 'create', '--kind', kind, '--format', 'json', '--db', file]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { key: string; id: string };
}

function addUser(who: string, role: string, workspace: string): void {
  const r = cli(['users', 'add', emailOf(who), '--role', role, '--password-stdin', '--workspaces', dir, '--workspace', workspace, '--format', 'json'], PASSWORD);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ email: emailOf(who), workspace, role, invite_path: null });
}

beforeAll(() => {
  const demo = cli(['demo', '--customers', '200', '--months', '6', '--end', '2026-01-01', '--db', db]);
  expect(demo.status, demo.stderr).toBe(0);
  const other = cli(['demo', '--customers', '20', '--months', '2', '--end', '2026-01-01', '--db', otherDb]);
  expect(other.status, other.stderr).toBe(0);
  for (const kind of ['read', 'admin', 'ingest'] as const) keys[kind] = createKey(kind).key;
  const revoked = createKey('read');
  expect(cli(['keys', 'revoke', revoked.id, '--db', db]).status).toBe(0);
  keys.revoked = revoked.key;
  revokedId = revoked.id;
  keys.otherAdmin = createKey('admin', otherDb).key;
  expect(cli(['config', 'set', 'allowed_origins', 'https://app.example.com', '--db', db]).status).toBe(0);
  for (const role of ROLES) addUser(role, role, 'shop');
  addUser('stranger', 'admin', 'other');
  viaCli.keys = cli(['keys', 'list', '--format', 'json', '--db', db]).stdout;
  const report = cli(['report', ...PERIOD, '--compare', 'previous', '--format', 'json', '--db', db]);
  expect(report.status, report.stderr).toBe(0);
  viaCli.report = report.stdout;
  viaCli.metrics = cli(['metrics', '--format', 'json']).stdout;
  viaCli.status = cli(['status', '--format', 'json', '--db', db]).stdout;
  const where = cli(['report', '--where', 'planet=Mars', '--format', 'json', '--db', db]);
  expect(where.status).toBe(2);
  viaCli.whereError = where.stderr;
}, 180_000);

describe('API keys at rest', () => {
  it('the table holds the SHA-256 hash and a 12-character prefix of each key, never the key', async () => {
    const wh = await openWorkspace({ db, readOnly: true });
    try {
      const rows = await wh.query('SELECT id, kind, hash, prefix, created_at, revoked_at FROM _api_keys');
      const text = JSON.stringify(rows);
      for (const key of [keys.read, keys.admin, keys.ingest, keys.revoked]) {
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
    for (const key of [keys.read, keys.admin, keys.ingest, keys.revoked]) expect(viaCli.keys).not.toContain(key.replace(/^rk_[a-z]+_/, ''));
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
  /** Each signed-in user's cookie and CSRF token, by role (and 'stranger': other's admin). */
  const sessions: Record<string, { cookie: string; csrf: string }> = {};

  async function signIn(who: string): Promise<{ cookie: string; csrf: string }> {
    const res = await fetch(`${base}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: emailOf(who), password: PASSWORD }) });
    expect(res.status).toBe(200);
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await res.json()) as { csrf: string }).csrf };
  }
  const asUser = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

  beforeAll(async () => {
    served = await serve({ workspaces: dir, workspace: 'shop' });
    ({ server, base } = served);
    for (const who of [...ROLES, 'stranger']) sessions[who] = await signIn(who);
  }, 60_000);

  afterAll(() => stop(served));

  /** A server route (or any full path) and a route of the workspace shop, with a key or none. */
  const get = (path: string, key?: string) => fetch(base + path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  const api = (path: string, key?: string) => fetch(served.v1(path), key ? { headers: { authorization: `Bearer ${key}` } } : {});

  const CALLERS = ['anonymous', 'owner', 'admin', 'analyst', 'viewer', 'read key', 'admin key', 'ingest key', 'revoked key', "other's admin", "other's admin key"] as const;
  type Caller = (typeof CALLERS)[number];
  /** What each caller may do in shop, written out here rather than read from the server. */
  const GRANTS: Record<Exclude<Caller, 'anonymous' | 'revoked key' | "other's admin" | "other's admin key">, readonly string[]> = {
    owner: ['read', 'analyst', 'admin', 'ingest', 'owner'],
    admin: ['read', 'analyst', 'admin', 'ingest'],
    analyst: ['read', 'analyst'],
    viewer: ['read'],
    'read key': ['read'],
    'admin key': ['read', 'analyst', 'admin', 'ingest'],
    'ingest key': ['ingest'],
  };
  const KEY_OF: Partial<Record<Caller, () => string>> = { 'read key': () => keys.read, 'admin key': () => keys.admin, 'ingest key': () => keys.ingest, 'revoked key': () => keys.revoked, "other's admin key": () => keys.otherAdmin };
  const USER_OF: Partial<Record<Caller, string>> = { owner: 'owner', admin: 'admin', analyst: 'analyst', viewer: 'viewer', "other's admin": 'stranger' };

  let invitees = 0;
  /** A request for each route, as its URL in the table; the heavy ones kept to one metric, the fits to BG/NBD and Gamma-Gamma. */
  const SAMPLE = (): Record<string, string> => ({
    'GET /v1/report': '/v1/report?metric=nps',
    'GET /v1/metrics/:id': '/v1/metrics/nps',
    'POST /v1/ingest/:table': '/v1/ingest/customers',
    'GET /v1/customers': '/v1/customers?limit=5',
    'GET /v1/customers/:id': '/v1/customers/c0000001',
    'GET /v1/whatif': '/v1/whatif?retention=5',
    // A dry run of a header alone: nothing is written.
    'POST /v1/imports/:table': '/v1/imports/customers?dry_run=true',
    'GET /v1/quarantine/export': '/v1/quarantine/export?table=orders',
    'DELETE /v1/keys/:id': `/v1/keys/${revokedId}`,
    'DELETE /v1/users/:email': '/v1/users/nobody@example.com',
  });
  /**
   * The body of each route that takes one (JSON, or a file as a Blob of its type): no rows and no
   * changes, so the data the later tests compare stays the CLI's (the demo's quarantine is empty:
   * a retry moves nothing).
   */
  const BODY: Record<string, () => unknown> = {
    'POST /v1/ingest/:table': () => [],
    'POST /v1/session': () => ({ email: emailOf('viewer'), password: PASSWORD }),
    'POST /v1/setup': () => ({ token: `ri_${'x'.repeat(43)}`, password: PASSWORD }),
    'POST /v1/users': () => ({ email: `invitee${++invitees}@example.com`, role: 'viewer' }),
    'POST /v1/keys': () => ({ kind: 'read' }),
    'POST /v1/models/fit': () => ({ pareto: false }),
    'POST /v1/models/evaluate': () => ({ calibration_end: '2025-10-31', holdout_end: '2025-12-31', pareto: false }),
    'POST /v1/imports/:table': () => new Blob(['customer_id,created_at\n'], { type: 'text/csv' }),
    'POST /v1/quarantine/retry': () => ({}),
    'PUT /v1/settings': () => ({}),
  };
  /** What an admitted call answers where that is not 200. */
  const ADMITTED: Record<string, string> = { 'POST /v1/users': '201', 'POST /v1/keys': '201', 'POST /v1/setup': '404 unknown-invite', 'DELETE /v1/users/:email': '404 unknown-user' };

  /** Call a route of the table as a caller (in shop, for a workspace route). */
  async function call(r: (typeof ROUTES)[number], caller: Caller): Promise<Response> {
    const id = `${r.method} ${r.url}`;
    const path = SAMPLE()[id] ?? r.url.replace(':id', 'nps');
    const url = base + (isWorkspaceRoute(r) ? `/v1/workspaces/shop${path.slice(3)}` : path);
    const key = KEY_OF[caller]?.();
    const who = USER_OF[caller];
    // Signing out ends the session it is sent with: that call gets one of its own.
    const session = who ? (id === 'DELETE /v1/session' ? await signIn(who) : sessions[who]!) : undefined;
    const body = BODY[id]?.();
    const file = body instanceof Blob;
    return fetch(url, {
      method: r.method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(session ? asUser(session) : {}), ...(body !== undefined ? { 'content-type': file ? body.type : 'application/json' } : {}) },
      ...(body !== undefined ? { body: file ? body : JSON.stringify(body) } : {}),
    });
  }

  function expected(r: (typeof ROUTES)[number], caller: Caller): string {
    const admitted = ADMITTED[`${r.method} ${r.url}`] ?? '200';
    if (r.permission === 'public') return admitted;
    // No credential, or a revoked key: 401, whatever the route.
    if (caller === 'anonymous' || caller === 'revoked key') return '401 unauthorized';
    const user = USER_OF[caller] !== undefined;
    if (r.permission === 'user') return user ? admitted : '403 forbidden';
    const other = caller === "other's admin" || caller === "other's admin key";
    // Another workspace's caller does not learn that shop exists.
    if (other && isWorkspaceRoute(r)) return '404 unknown-workspace';
    const grants = GRANTS[other ? (user ? 'admin' : 'admin key') : caller];
    return grants.includes(r.permission) ? admitted : '403 forbidden';
  }

  it('answers every route as its permission says, for every kind of caller', async () => {
    const cells: string[] = [];
    const want: string[] = [];
    for (const r of ROUTES) {
      for (const caller of CALLERS) {
        const res = await call(r, caller);
        // A CSV or text answer (the quarantine export, /metrics, /docs) has no code; problems are JSON.
        const body = (res.headers.get('content-type')?.includes('json') ? await res.json() : (await res.text(), {})) as { code?: string };
        const got = res.status < 300 ? String(res.status) : `${res.status} ${body.code ?? ''}`;
        cells.push(`${r.method} ${r.url} as ${caller}: ${got}`);
        want.push(`${r.method} ${r.url} as ${caller}: ${expected(r, caller)}`);
      }
    }
    expect(cells).toEqual(want);
    expect(cells.length).toBe(ROUTES.length * CALLERS.length);
  }, 120_000);

  it('answers an unknown route 404 not-found, as problem+json', async () => {
    const res = await get('/v1/nothing', keys.admin);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, code: 'not-found', title: 'Not found' });
  });

  it('documents every route of the table in /v1/openapi.json, and nothing else', async () => {
    type Op = { security: unknown[]; parameters: { name: string; in: string; explode: boolean }[] };
    const doc = (await (await get('/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, Op>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(mountedUrl(r))}`).sort());
    // Every documented path exists: as the owner, none is an unknown route.
    const owner = asUser(await signIn('owner'));
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      const res = await fetch(base + path.replace('{workspace}', 'shop').replace(/\{(\w+)\}/g, 'x'), { method, headers: { ...owner, 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) });
      const text = await res.text();
      expect(`${op}: ${text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : res.status}`).not.toBe(`${op}: not-found`);
    }
    // The report's parameters are the CLI's options, repeatable ones exploded, after the workspace.
    const params = doc.paths['/v1/workspaces/{workspace}/report']!.get!.parameters;
    expect(params.map((p) => p.name)).toEqual(['workspace', 'from', 'to', 'grain', 'metric', 'team', 'where', 'by', 'compare', 'timezone', 'activity_window', 'variants', 'penalizer']);
    expect(doc.paths['/v1/workspaces/{workspace}/report']!.get!.security).toEqual([{ apiKey: [] }, { session: [] }]);
    expect(doc.paths['/v1/session']!.get!.security).toEqual([{ session: [] }]);
    // The bodies: a fit's options from its schema, an upload's file, the settings by name; CSV answers.
    type Body = { requestBody: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }; responses: Record<string, { content?: Record<string, unknown> }> };
    const op = (path: string, method: string) => (doc.paths[`/v1/workspaces/{workspace}${path}`] as unknown as Record<string, Body>)[method]!;
    expect(Object.keys(op('/models/fit', 'post').requestBody.content['application/json']!.schema.properties!)).toEqual(['calibration_end', 'time_unit', 'penalizer', 'pareto']);
    expect(Object.keys(op('/imports/{table}', 'post').requestBody.content)).toEqual(['text/csv', 'application/octet-stream']);
    expect(Object.keys(op('/settings', 'put').requestBody.content['application/json']!.schema.properties!)).toContain('gross_margin');
    expect(Object.keys(op('/customers', 'get').responses['200']!.content!)).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(op('/quarantine/export', 'get').responses['200']!.content!)).toEqual(['text/csv']);
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
      const path = openApiPath(mountedUrl(r));
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
    const res = await api('/report?from=2025-07-01&to=2026-01-01&compare=previous', keys.read);
    expect(res.status).toBe(200);
    const { cached_at, stale, ...answer } = (await res.json()) as { metrics: { id: string }[]; cached_at: string; stale: boolean };
    const local = JSON.parse(viaCli.report) as typeof answer;
    // The API's own two keys (the result cache's), then exactly the CLI's.
    expect([typeof cached_at, stale]).toEqual(['string', false]);
    expect({ ...answer, metrics: null }).toEqual({ ...local, metrics: null });
    expect(answer.metrics).toHaveLength(METRICS.length);
    // Counts exactly, other numbers to 1e-9 relative (the fitted models' to their tolerance): the
    // engine sums doubles on several threads, in an order that can change the last bit.
    answer.metrics.forEach((m, i) => expectSame(local.metrics[i], m, m.id, TOLERANCE[m.id]));
  });

  it('gives the catalogue and the status of the CLI', async () => {
    expect(await (await api('/metrics', keys.read)).json()).toEqual(JSON.parse(viaCli.metrics));
    expect(await (await api('/status', keys.read)).json()).toEqual(JSON.parse(viaCli.status));
  });

  it('takes repeatable options as repeated parameters', async () => {
    const res = await api('/report?from=2025-07-01&to=2026-01-01&metric=nps&metric=csat&where=country=DE', keys.read);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { metrics: { id: string }[] };
    expect(report.metrics.map((m) => m.id)).toEqual(METRICS.filter((m) => m.id === 'nps' || m.id === 'csat').map((m) => m.id));
  });

  it('answers a bad request 400 with the code the CLI gives', async () => {
    const grain = await api('/report?grain=fortnight', keys.read);
    expect(grain.status).toBe(400);
    expect(grain.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await grain.json()).toMatchObject({ status: 400, code: 'bad-grain', detail: 'Unknown grain fortnight.' });
    const where = await api('/report?where=planet=Mars', keys.read);
    expect(where.status).toBe(400);
    const p = (await where.json()) as { code: string; detail: string; hint: string };
    expect(p.code).toBe('unknown-field');
    // The CLI prints the same message and hint.
    expect(viaCli.whereError).toContain(p.detail);
    expect(viaCli.whereError).toContain(p.hint);
    const unknown = await api('/report?colour=red', keys.read);
    expect(await unknown.json()).toMatchObject({ status: 400, code: 'bad-option' });
  });

  it('gives one metric by bucket with its summary, and 404 for an unknown one', async () => {
    const res = await api('/metrics/nps?from=2025-10-01&to=2026-01-01', keys.read);
    const m = (await res.json()) as { entries: { start: string }[]; summary: { current: number | null; previous: number | null; change: number | null } };
    // Three months, one entry each; the summary compares with Jul–Sep (the previous period).
    expect(m.entries.map((e) => e.start)).toEqual(['2025-10-01', '2025-11-01', '2025-12-01']);
    const report = (await (await api('/report?from=2025-10-01&to=2026-01-01&metric=nps&compare=previous', keys.read)).json()) as {
      metrics: { value: number; compare: { value: number; change: number } }[];
    };
    expect(m.summary).toMatchObject({ current: report.metrics[0]!.value, previous: report.metrics[0]!.compare.value, change: report.metrics[0]!.compare.change });
    const missing = await api('/metrics/npss', keys.read);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'unknown-metric', hint: expect.stringContaining('nps') });
  });

  it('sets the security headers on every answer, and no CORS header', async () => {
    for (const res of [await get('/healthz'), await api('/report?grain=fortnight', keys.read), await api('/status')]) {
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

  it('lets a page of an origin the workspace allows call it with a key, and no other', async () => {
    const from = (origin: string, workspace = 'shop') => fetch(served.v1('/status', workspace), { headers: { origin, authorization: `Bearer ${workspace === 'shop' ? keys.read : keys.otherAdmin}` } });
    const allowed = await from('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('vary')).toBe('Origin');
    // Cookies never cross origins: no Allow-Credentials.
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await from('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    // Another workspace allows no origin.
    expect((await from('https://app.example.com', 'other')).headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(served.v1('/ingest/events'), { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type, idempotency-key');
  });

  it('on SIGTERM finishes the report in flight, then exits 0', async () => {
    const url = '/report?from=2025-07-01&to=2026-01-01&compare=previous&variants=true';
    const answer = fetch(served.v1(url), { headers: { authorization: `Bearer ${keys.read}` } });
    // Signal once the server has the request (it logs it as it arrives).
    await new Promise<void>((resolve) => {
      const seen = () => served.log().includes(`"url":"/v1/workspaces/shop${url}"`) && (server.stderr!.off('data', seen), resolve());
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
