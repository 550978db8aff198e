/**
 * The model routes against a real server on loopback over a small demo: each answers the JSON of
 * its command for the same options (fit and evaluate as POSTs with a JSON body, RFM, what-if and
 * NPS ↔ growth as GETs), and a malformed option is the CLI's 400 code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSame } from './helpers/conformance.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
const db = join(tmp(), 'models.duckdb');
const keys = { read: '', admin: '' };
const viaCli: Record<string, unknown> = {};

function json(args: string[]): unknown {
  const r = cli([...args, '--format', 'json', '--db', db]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** The CLI commands and the API requests that ask the same. */
const CASES: { name: string; args: string[]; method: 'GET' | 'POST'; path: string; body?: unknown }[] = [
  { name: 'rfm', args: ['model', 'rfm', '--as-of', '2025-12-15'], method: 'GET', path: '/models/rfm?as_of=2025-12-15' },
  { name: 'nps-growth', args: ['model', 'nps-growth', '--months', '6', '--max-lag', '2'], method: 'GET', path: '/models/nps-growth?months=6&max_lag=2' },
  { name: 'whatif', args: ['whatif', '--retention', '+5', '--horizon', '24', '--margin', '0.4'], method: 'GET', path: '/whatif?retention=5&horizon=24&margin=0.4' },
  { name: 'fit', args: ['model', 'fit', '--no-pareto', '--time-unit', 'week'], method: 'POST', path: '/models/fit', body: { pareto: false, time_unit: 'week' } },
  {
    name: 'evaluate',
    args: ['model', 'evaluate', '--calibration-end', '2025-10-31', '--holdout-end', '2025-12-31', '--no-pareto'],
    method: 'POST',
    path: '/models/evaluate',
    body: { calibration_end: '2025-10-31', holdout_end: '2025-12-31', pareto: false },
  },
];

/** A fit's time to compute differs from run to run. */
const withoutSeconds = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(withoutSeconds) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'seconds').map(([k, x]) => [k, withoutSeconds(x)])) : v;

beforeAll(() => {
  expect(cli(['demo', '--customers', '200', '--months', '6', '--end', '2026-01-01', '--db', db]).status).toBe(0);
  for (const kind of ['read', 'admin'] as const) keys[kind] = (json(['keys', 'create', '--kind', kind]) as { key: string }).key;
  for (const c of CASES) viaCli[c.name] = json(c.args);
}, 180_000);

describe('the model routes', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(db);
  }, 60_000);
  afterAll(() => stop(s));
  const call = (method: string, path: string, key: string, body?: unknown) =>
    fetch(s.v1(path), { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });

  it.each(CASES)('$method $path answers the JSON of retain $args.0 $args.1', async (c) => {
    const res = await call(c.method, c.path, keys.admin, c.body);
    expect(res.status).toBe(200);
    // The fits to their optimiser's tolerance: the engine may sum a group's spend in another order.
    expectSame(withoutSeconds(viaCli[c.name]), withoutSeconds(await res.json()), c.name, 1e-6);
  });

  it('keeps the fits for the analyst permission and the reads for a read key', async () => {
    expect((await call('POST', '/models/fit', keys.read, { pareto: false })).status).toBe(403);
    expect((await call('GET', '/models/rfm', keys.read)).status).toBe(200);
  });

  it('answers a malformed option 400 with the CLI’s code', async () => {
    expect(await (await call('GET', '/whatif?retention=500', keys.read)).json()).toMatchObject({ status: 400, code: 'bad-option', detail: 'retention must be a number from -100 to 100; got "500".' });
    expect(await (await call('GET', '/whatif', keys.read)).json()).toMatchObject({ status: 400, code: 'bad-option' });
    expect(await (await call('GET', '/models/rfm?as_of=2025-02-30', keys.read)).json()).toMatchObject({ status: 400, code: 'bad-date' });
    expect(await (await call('POST', '/models/fit', keys.admin, { time_unit: 'month' })).json()).toMatchObject({ status: 400, code: 'bad-option' });
    expect(await (await call('POST', '/models/fit', keys.admin, { colour: 'red' })).json()).toMatchObject({ status: 400, code: 'bad-option', detail: 'colour: not an option here.' });
    // A holdout that ends before the calibration: the model's own error, 422.
    expect(await (await call('POST', '/models/evaluate', keys.admin, { calibration_end: '2025-10-31', holdout_end: '2025-09-30' })).json()).toMatchObject({ status: 422, code: 'model-error' });
  });
});
