/**
 * The data routes against a real server on loopback over a small demo with a quarantine: the
 * quarantine list and CSV export, the imports list and the settings equal the CLI's; a file
 * uploaded to POST /v1/imports/{table} is the CLI's import (its summary's counts worked out
 * below), its progress shows while the body is still arriving, a retry after the missing FX rate
 * arrives moves the row out of the quarantine, and PUT /v1/settings checks every value first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
const dir = tmp();
const db = join(dir, 'data.duckdb');
const keys = { read: '', admin: '' };
const viaCli: Record<string, string> = {};

function run(args: string[]): string {
  const r = cli([...args, '--db', db]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** q1 is stored; q2's amount is no number and q3's currency has no FX rate: both quarantined. */
const BAD = `order_id,customer_id,ordered_at,amount,currency
q1,c0000001,2025-12-01,10,USD
q2,c0000001,2025-12-02,abc,USD
q3,c0000002,2025-12-03,20,XYZ
`;

beforeAll(() => {
  run(['demo', '--customers', '200', '--months', '6', '--end', '2026-01-01']);
  run(['import', 'orders', writeFixture(dir, 'bad.csv', BAD)]);
  for (const kind of ['read', 'admin'] as const) keys[kind] = (JSON.parse(run(['keys', 'create', '--kind', kind, '--format', 'json'])) as { key: string }).key;
  viaCli.quarantine = run(['quarantine', 'list', '--table', 'orders', '--format', 'json']);
  viaCli.export = run(['quarantine', 'export', '--table', 'orders']);
  viaCli.imports = run(['imports', '--format', 'json']);
  viaCli.settings = run(['config', 'get', '--format', 'json']);
}, 120_000);

describe('the data routes', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(db);
  }, 60_000);
  afterAll(() => stop(s));
  const call = (method: string, path: string, o: { key?: string; type?: string; body?: string | ReadableStream } = {}) =>
    fetch(s.v1(path), {
      method,
      headers: { authorization: `Bearer ${o.key ?? keys.admin}`, ...(o.type ? { 'content-type': o.type } : {}) },
      ...(o.body !== undefined ? { body: o.body, duplex: 'half' } : {}),
    } as RequestInit);
  const get = async (path: string) => (await call('GET', path, { key: keys.read })).json() as Promise<unknown>;

  it('lists and exports the quarantine, the imports and the settings as the CLI does', async () => {
    const open = (await get('/quarantine?table=orders')) as { raw: { order_id: string } }[];
    expect(open).toEqual(JSON.parse(viaCli.quarantine!));
    expect(open.map((r) => r.raw.order_id)).toEqual(['q2', 'q3']);
    const csv = await call('GET', '/quarantine/export?table=orders', { key: keys.read });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe(viaCli.export);
    expect(await get('/imports')).toEqual(JSON.parse(viaCli.imports!));
    expect(await get('/settings')).toEqual(JSON.parse(viaCli.settings!));
    expect(await get('/quarantine?table=planets')).toMatchObject({ status: 400, code: 'unknown-table' });
  });

  it('imports an uploaded file as retain import does, and counts every row', async () => {
    // u1 and u2 are new; u1 again and q1 (stored before) are duplicates; u3's time is no time.
    const file = 'order_id,customer_id,ordered_at,amount\nu1,c0000003,2025-12-05,7.5\nu2,c0000004,2025-12-06,8\nu1,c0000003,2025-12-05,7.5\nq1,c0000001,2025-12-01,10\nu3,c0000004,yesterday,9\n';
    const res = await call('POST', '/imports/orders?filename=more.csv', { type: 'text/csv', body: file });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { job: string; table: string; file: string; read: number; accepted: number; updated: number; duplicates: number; quarantined: number };
    expect(summary).toMatchObject({ table: 'orders', read: 5, accepted: 2, updated: 0, duplicates: 2, quarantined: 1 });
    expect(summary.read).toBe(summary.accepted + summary.updated + summary.duplicates + summary.quarantined);
    expect(summary.file.endsWith('more.csv')).toBe(true);
    const jobs = (await get('/imports/jobs')) as { id: string; state: string; bytes: number }[];
    expect(jobs.find((j) => j.id === summary.job)).toMatchObject({ state: 'done', bytes: Buffer.byteLength(file) });
    // The import is in the log, and the uploaded file is gone from the workspace folder.
    const imports = (await get('/imports')) as { table: string; accepted: number }[];
    expect(imports.at(-1)).toMatchObject({ table: 'orders', accepted: 2 });
    expect(spawnSync('ls', ['-A', join(dir, '.retain-uploads')], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('shows an upload’s bytes while its body is still arriving', async () => {
    let send!: (chunk: string | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        send = (chunk) => (chunk === null ? c.close() : c.enqueue(new TextEncoder().encode(chunk)));
      },
    });
    const head = 'order_id,customer_id,ordered_at,amount\n';
    const answer = call('POST', '/imports/orders?filename=slow.csv&dry_run=true', { type: 'text/csv', body });
    send(head);
    type Job = { state: string; bytes: number; file: string };
    let job: Job | undefined;
    for (let i = 0; i < 100 && !job; i++) {
      job = ((await get('/imports/jobs')) as Job[]).find((j) => j.file === 'slow.csv' && j.bytes === head.length);
      if (!job) await new Promise((r) => setTimeout(r, 50));
    }
    expect(job).toMatchObject({ state: 'receiving', bytes: head.length });
    send('v1,c0000005,2025-12-07,3\n');
    send(null);
    expect(await (await answer).json()).toMatchObject({ read: 1, accepted: 1, dryRun: expect.any(Object) });
  });

  it('moves a quarantined row into its table on retry once its FX rate is there', async () => {
    const rate = await call('POST', '/imports/fx_rates?filename=rates.csv', { type: 'text/csv', body: 'currency,date,rate\nXYZ,2020-01-01,2\n' });
    expect(await rate.json()).toMatchObject({ read: 1, accepted: 1 });
    const res = await call('POST', '/quarantine/retry', { type: 'application/json', body: '{"table":"orders"}' });
    expect(res.status).toBe(200);
    // Open for orders: q2 (no number), q3 (no rate, until now) and u3 (no time): q3 passes.
    const [orders] = (await res.json()) as { table: string; read: number; accepted: number; quarantined: number }[];
    expect(orders).toMatchObject({ table: 'orders', read: 3, accepted: 1, quarantined: 2 });
    expect(((await get('/quarantine?table=orders')) as { raw: { order_id: string } }[]).map((r) => r.raw.order_id).sort()).toEqual(['q2', 'u3']);
    // A read key may look, not retry.
    expect((await call('POST', '/quarantine/retry', { key: keys.read, type: 'application/json', body: '{}' })).status).toBe(403);
  });

  it('refuses an upload that is not a file', async () => {
    const res = await call('POST', '/imports/orders', { type: 'application/json', body: '[]' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'bad-content-type' });
  });

  it('changes settings as retain config set, checking every value before setting any', async () => {
    const put = (body: unknown) => call('PUT', '/settings', { type: 'application/json', body: JSON.stringify(body) });
    expect(await (await put({ gross_margin: '0.5' })).json()).toMatchObject({ gross_margin: '0.5' });
    expect(await (await put({ gross_margin: '0.4', timezone: 'Mars/Olympus' })).json()).toMatchObject({ status: 400, code: 'bad-setting' });
    expect(await (await put({ colour: 'red' })).json()).toMatchObject({ status: 400, code: 'bad-option' });
    expect(await get('/settings')).toMatchObject({ gross_margin: '0.5', timezone: 'UTC' });
    expect((await call('PUT', '/settings', { key: keys.read, type: 'application/json', body: '{}' })).status).toBe(403);
  });
});
