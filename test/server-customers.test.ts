/**
 * GET /v1/customers and /v1/customers/{id} against a real server on loopback over a small demo
 * (a subscription workspace) with one customer whose name and email a spreadsheet would run as
 * formulas: the API's page equals retain customers --format json, paging by cursor visits every
 * customer exactly once in the CLI's order, the CSV is the CLI's CSV with the formula cells
 * escaped, and a customer's profile holds their rows and the list's scores. The cursor paging of
 * the purchase model's sort keys (CLV in TypeScript, risk and P(alive) in the engine) is checked
 * on a transactional copy of the workspace, in process.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerList, type CustomerList } from '../src/metrics/customers.js';
import { openWorkspace } from '../src/warehouse/open.js';
import { expectSame } from './helpers/conformance.js';
import { serve, stop, type Served } from './helpers/serve.js';
import { tmp, writeFixture } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });
const dir = tmp();
const db = join(dir, 'customers.duckdb');
const transactional = join(dir, 'transactional.duckdb');
let key = '';
const viaCli: Record<string, string> = {};
const ALL = ['--limit', '100000'];

function run(args: string[]): string {
  const r = cli([...args, '--db', db]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** A cursor's content (it is opaque to clients; the test reads it to compare with a tolerance). */
const decoded = (c: string | null) => (c === null ? null : (JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown));
const sameList = (api: CustomerList, local: CustomerList, path: string) => {
  expectSame({ ...local, next_cursor: decoded(local.next_cursor) }, { ...api, next_cursor: decoded(api.next_cursor) }, path);
};

beforeAll(() => {
  run(['demo', '--customers', '200', '--months', '6', '--end', '2026-01-01']);
  const formula = writeFixture(dir, 'formula.csv', 'customer_id,created_at,name,email,country\nzz-formula,2025-08-01,"=HYPERLINK(""http://x.example"")",@me@example.com,-DE\n');
  run(['import', 'customers', formula]);
  key = (JSON.parse(run(['keys', 'create', '--kind', 'read', '--format', 'json'])) as { key: string }).key;
  viaCli.risk5 = run(['customers', '--sort', 'risk', '--limit', '5', '--format', 'json']);
  viaCli.de = run(['customers', '--where', 'country=DE', '--sort', 'engagement', '--limit', '3', '--format', 'json']);
  for (const sort of ['clv', 'risk', 'revenue']) viaCli[`all-${sort}`] = run(['customers', '--sort', sort, ...ALL, '--format', 'json']);
  viaCli.csv = run(['customers', '--sort', 'revenue', ...ALL, '--format', 'csv']);
  viaCli.orders = run(['sql', "SELECT count(*) AS n, count(DISTINCT CAST(ordered_at AS DATE)) AS days FROM orders WHERE customer_id = 'c0000002' AND status = 'completed'", '--format', 'json']);
  viaCli.rows = run(['sql', "SELECT 'orders' AS t, count(*) AS n FROM orders WHERE customer_id = 'c0000002' UNION ALL SELECT 'subscription_events', count(*) FROM subscription_events WHERE customer_id = 'c0000002' UNION ALL SELECT 'web_events', count(*) FROM web_events WHERE customer_id = 'c0000002' UNION ALL SELECT 'email_events', count(*) FROM email_events WHERE customer_id = 'c0000002'", '--format', 'json']);
  copyFileSync(db, transactional);
  expect(cli(['config', 'set', 'model', 'transactional', '--db', transactional]).status).toBe(0);
}, 120_000);

describe('GET /v1/customers', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(db);
  }, 60_000);
  afterAll(() => stop(s));
  const get = (path: string, headers: Record<string, string> = {}) => fetch(s.v1(path), { headers: { authorization: `Bearer ${key}`, ...headers } });

  it('gives the page of retain customers --format json for the same request', async () => {
    sameList((await (await get('/customers?sort=risk&limit=5')).json()) as CustomerList, JSON.parse(viaCli.risk5!) as CustomerList, 'risk5');
    sameList((await (await get('/customers?where=country=DE&sort=engagement&limit=3')).json()) as CustomerList, JSON.parse(viaCli.de!) as CustomerList, 'de');
  });

  it('pages by cursor through every customer exactly once, in the order of the whole list', async () => {
    for (const sort of ['clv', 'risk', 'revenue']) {
      const whole = JSON.parse(viaCli[`all-${sort}`]!) as CustomerList;
      // 200 demo customers and the formula one.
      expect(whole.total).toBe(201);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = (await (await get(`/customers?sort=${sort}&limit=40${cursor ? `&cursor=${cursor}` : ''}`)).json()) as CustomerList;
        expect(page.total).toBe(201);
        seen.push(...page.customers.map((c) => c.customer_id));
        cursor = page.next_cursor;
        pages++;
      } while (cursor);
      // 201 customers by 40: five full pages and one of 1.
      expect(pages).toBe(6);
      expect(seen).toEqual(whole.customers.map((c) => c.customer_id));
      expect(new Set(seen).size).toBe(201);
    }
  });

  it('refuses a cursor of another sort and an unknown sort key', async () => {
    const first = (await (await get('/customers?sort=risk&limit=2')).json()) as CustomerList;
    const other = await get(`/customers?sort=revenue&limit=2&cursor=${first.next_cursor}`);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ code: 'bad-cursor' });
    expect(await (await get('/customers?cursor=nonsense')).json()).toMatchObject({ status: 400, code: 'bad-cursor' });
    expect(await (await get('/customers?sort=height')).json()).toMatchObject({ status: 400, code: 'unknown-sort' });
  });

  it('streams every customer as the CLI’s CSV with Accept: text/csv, formula cells escaped', async () => {
    const res = await get('/customers?sort=revenue', { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text).toBe(viaCli.csv);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('customer_id,name,email,country,clv,p_alive,risk,rfm,nps,engagement,revenue,recency_days,mrr');
    expect(lines).toHaveLength(202);
    // = and @ get an apostrophe; the quotes of the name are doubled inside its quoted cell; "-DE" is
    // not a number, so it is escaped too.
    expect(lines.find((l) => l.startsWith('zz-formula,'))).toBe(`zz-formula,"'=HYPERLINK(""http://x.example"")",'@me@example.com,'-DE,,,,,,0,0,,0`);
  });

  it('gives one customer’s row, timeline and the list’s scores, and 404 for an unknown id', async () => {
    const p = (await (await get('/customers/c0000002')).json()) as {
      customer: { customer_id: string; name: string };
      scores: Record<string, unknown> & { model_inputs: { frequency: number } };
      timeline: { table: string; at: string }[];
      truncated: string[];
    };
    expect(p.customer).toMatchObject({ customer_id: 'c0000002', name: 'Chloé Weber' });
    // Oldest first.
    expect(p.timeline.map((e) => e.at)).toEqual([...p.timeline.map((e) => e.at)].sort());
    const counts = Object.fromEntries((JSON.parse(viaCli.rows!) as { t: string; n: number }[]).map((r) => [r.t, Number(r.n)]));
    for (const [table, n] of Object.entries(counts)) expect(`${table}: ${p.timeline.filter((e) => e.table === table).length}`).toBe(`${table}: ${n}`);
    expect(p.truncated).toEqual([]);
    // The scores are the list's row; frequency is repeat purchase days: purchase days − 1.
    const { model_inputs, ...scores } = p.scores;
    const row = (JSON.parse(viaCli['all-clv']!) as CustomerList).customers.find((c) => c.customer_id === 'c0000002');
    expectSame(row, scores, 'scores');
    expect(model_inputs.frequency).toBe(Number((JSON.parse(viaCli.orders!) as { days: number }[])[0]!.days) - 1);
    const missing = await get('/customers/nobody');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, code: 'unknown-customer' });
  });
});

describe('the cursor over the purchase model’s sort keys (transactional)', () => {
  it('visits every customer once in the order of the whole list, by CLV, risk and P(alive)', async () => {
    const wh = await openWorkspace({ db: transactional, readOnly: true });
    try {
      for (const sort of ['clv', 'risk', 'p_alive'] as const) {
        const whole = await customerList(wh, { sort, limit: 100_000 });
        expect(whole.model).toBe('transactional');
        expect(whole.next_cursor).toBeNull();
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await customerList(wh, { sort, limit: 60, cursor });
          ids.push(...page.customers.map((c) => c.customer_id));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        expect(ids, sort).toEqual(whole.customers.map((c) => c.customer_id));
        // Highest CLV and risk first, lowest P(alive) first; the unknown ones last.
        const values = whole.customers.map((c) => c[sort]).filter((v): v is number => v !== null);
        expect(values.length).toBeGreaterThan(0);
        expect(values).toEqual([...values].sort((a, b) => (sort === 'p_alive' ? a - b : b - a)));
        expect(whole.customers.slice(values.length).every((c) => c[sort] === null)).toBe(true);
      }
    } finally {
      await wh.close();
    }
  }, 60_000);
});
