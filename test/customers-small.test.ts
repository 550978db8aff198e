/**
 * Customer lists on a workspace too small for BG/NBD: the RFM and NPS lists work without the model
 * (its columns null, with a note), the lists and sort keys that need it stop with a usage error, and
 * --penalizer reaches the fit (the remedy its error advises).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerList, type CustomerListOptions } from '../src/metrics/customers.js';
import { buildReport } from '../src/metrics/report.js';
import { UsageError } from '../src/warehouse/errors.js';
import { openWorkspace } from '../src/warehouse/open.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load } from './helpers/metrics.js';
import { tmp } from './helpers/workspace.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'retain.js');
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '' } });

const AS_OF = '2024-06-30';
const day = (iso: string, add: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + add * 86_400_000).toISOString().slice(0, 10);
const id = (i: number) => `c${String(i).padStart(2, '0')}`;

/**
 * Ten customers c01 … c10: customer ci bought on i days a week apart, the last one 10 − i days
 * before Jun 30, order k (0-based) for 90 + 10·i + k. So recency 10 − i days, i purchase days and
 * revenue i·(90 + 10·i) + i·(i − 1)/2 all rank the customers in the order of i, without ties.
 * RFM scores are 1 + ⌊5·(rank − 1)/10⌋: ranks 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5, the
 * same for R, F and M; so c07–c10 are champions (all ≥ 4), c05–c06 potential loyalists (r 3, f 3),
 * c03–c04 hibernating (r 2, f 2) and c01–c02 lost (r 1). Such regular buying leaves BG/NBD's
 * purchase-rate spread unidentified: r runs off towards infinity without a penalizer.
 */
const ORDERS = [
  'order_id,customer_id,ordered_at,amount,status',
  ...Array.from({ length: 10 }, (_, n) => n + 1).flatMap((i) => Array.from({ length: i }, (_, k) => `o${id(i)}_${k},${id(i)},${day(day(AS_OF, -(10 - i)), -7 * k)},${90 + 10 * i + k},completed`)),
].join('\n');

/**
 * The latest NPS answer of the year before the as-of day counts: c03 answered 4 then 9 (promoter),
 * c02 10 then 3 (detractor); c04's 0 is from more than a year before, c09's 2 after the as-of day.
 * Promoters (9–10): c03, c05, c10; passives (7–8): c07; detractors (0–6): c01 (2), c02 (3), c08 (6).
 */
const ANSWERS = `response_id,customer_id,survey,score,responded_at
r01,c01,nps,2,2024-05-01
r02,c02,nps,10,2024-02-01
r03,c02,nps,3,2024-06-01
r04,c03,nps,4,2024-02-01
r05,c03,nps,9,2024-06-15
r06,c04,nps,0,2023-05-01
r07,c05,nps,9,2024-03-01
r08,c07,nps,7,2024-04-01
r09,c08,nps,6,2024-06-20
r10,c10,nps,10,2024-06-29
r11,c09,nps,2,2024-07-05`;

let db: string;
let wh: Warehouse;

beforeAll(async () => {
  db = join(tmp(), 'small.duckdb');
  wh = await openWorkspace({ db });
  await load(wh, {
    customers: `customer_id,created_at,country\n${Array.from({ length: 10 }, (_, n) => `${id(n + 1)},2024-01-01,${n % 2 ? 'US' : 'DE'}`).join('\n')}`,
    orders: ORDERS,
    survey_responses: ANSWERS,
  });
  await wh.close();
  wh = await openWorkspace({ db, readOnly: true });
});
afterAll(async () => wh.close());

const list = (o: CustomerListOptions) => customerList(wh, { asOf: AS_OF, ...o });
const ids = async (o: CustomerListOptions) => (await list(o)).customers.map((c) => c.customer_id);
/** Revenue of customer ci: Σ_{k<i} (90 + 10·i + k). */
const revenue = (i: number) => i * (90 + 10 * i) + (i * (i - 1)) / 2;

describe('customer lists without a model', () => {
  it('lists the champions with the model columns null and a note saying why', async () => {
    const r = await list({ segment: 'champions' });
    expect(r.model).toBe('transactional');
    // Without the model the default order is revenue, highest first: c10, c09, c08, c07.
    expect(r.customers.map((c) => c.customer_id)).toEqual(['c10', 'c09', 'c08', 'c07']);
    expect(r.customers.map((c) => c.revenue)).toEqual([10, 9, 8, 7].map(revenue));
    expect(r.customers[0]).toMatchObject({ rfm: 'champions', recency_days: 0, clv: null, p_alive: null, risk: null, nps: 10, nps_class: 'promoter' });
    for (const c of r.customers) expect([c.clv, c.p_alive, c.risk]).toEqual([null, null, null]);
    expect(r.note).toMatch(/^No CLV, P\(alive\) or risk: the BG\/NBD model cannot be fitted on this workspace \(BG\/NBD: parameter r ran off towards infinity/);
    expect(r.note).toMatch(/penalizer/);
  });

  it('lists every RFM segment and NPS class', async () => {
    expect(await ids({ segment: 'potential-loyalists' })).toEqual(['c06', 'c05']);
    expect(await ids({ segment: 'hibernating' })).toEqual(['c04', 'c03']);
    expect(await ids({ rfm: 'lost' })).toEqual(['c02', 'c01']);
    expect(await ids({ segment: 'loyal' })).toEqual([]);
    expect(await ids({ segment: 'promoters' })).toEqual(['c10', 'c05', 'c03']);
    expect(await ids({ segment: 'passives' })).toEqual(['c07']);
    // Detractors: lowest NPS first.
    expect(await ids({ segment: 'detractors' })).toEqual(['c01', 'c02', 'c08']);
    // Champions who are detractors: c08 (6).
    expect(await ids({ segment: 'detractors', rfm: 'champions' })).toEqual(['c08']);
    // Sorted by something the model does not give.
    expect(await ids({ segment: 'champions', sort: 'recency' })).toEqual(['c10', 'c09', 'c08', 'c07']);
  });

  it('stops the at-risk list and the model sort keys with a usage error saying what to do', async () => {
    const err = await list({ segment: 'at-risk' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ code: 'no-model' });
    expect((err as UsageError).message).toMatch(/^--segment at-risk needs the BG\/NBD model's predictions, and the model cannot be fitted on this workspace: BG\/NBD: parameter r ran off/);
    expect((err as UsageError).hint).toMatch(/^Add --penalizer 0\.001 or import more orders; the RFM and NPS lists/);
    for (const sort of ['clv', 'risk', 'p_alive'] as const) {
      await expect(list({ segment: 'champions', sort })).rejects.toMatchObject({ code: 'no-model', message: expect.stringMatching(new RegExp(`^--sort ${sort} needs`)) });
    }
    // RFM's own at-risk segment needs no model (and nobody is in it: no one has r ≤ 2 and f ≥ 3).
    expect(await ids({ rfm: 'at-risk' })).toEqual([]);
  });

  it('fits the model with a penalizer: the value reaches the fit', async () => {
    const light = await list({ segment: 'champions', penalizer: 0.001 });
    const heavy = await list({ segment: 'champions', penalizer: 0.1 });
    expect(light.note).toBeUndefined();
    expect(light.method).toMatch(/with penalizer 0\.001;/);
    expect(heavy.method).toMatch(/with penalizer 0\.1;/);
    // With the model, CLV orders the list; every champion bought again, so each has a risk.
    for (const c of [...light.customers, ...heavy.customers]) {
      expect(c.clv).toBeGreaterThan(0);
      expect(c.p_alive).toBeGreaterThan(0);
      expect(c.p_alive).toBeLessThanOrEqual(1);
      expect(c.risk).toBeCloseTo(100 * (1 - c.p_alive!), 9);
    }
    // A heavier penalty pulls the parameters towards 0: a different fit, so different predictions.
    const rOf = (m: string) => Number(/BG\/NBD \(r ([\d.e+-]+),/.exec(m)?.[1]);
    expect(rOf(light.method)).toBeGreaterThan(rOf(heavy.method));
    expect(light.customers.map((c) => c.clv)).not.toEqual(heavy.customers.map((c) => c.clv));
    // At-risk now works: the list is those with risk ≥ 50.
    const atRisk = await list({ segment: 'at-risk', penalizer: 0.001 });
    const all = await list({ penalizer: 0.001, limit: 10 });
    expect(atRisk.customers.map((c) => c.customer_id).sort()).toEqual(all.customers.filter((c) => c.risk !== null && c.risk >= 50).map((c) => c.customer_id).sort());
  });

  it('reaches the fit of predictive CLV in a report', async () => {
    const clv = async (penalizer?: number) => (await buildReport(wh, { from: '2024-01-01', to: '2024-07-01', metrics: ['clv_predicted'], ...(penalizer === undefined ? {} : { penalizer }) })).metrics[0]!;
    const without = await clv();
    expect(without.value).toBeNull();
    expect(without.note).toMatch(/^The models cannot be fitted: BG\/NBD: parameter r ran off .*penalizer/);
    const light = await clv(0.001);
    const heavy = await clv(0.1);
    expect(light.value).toBeGreaterThan(0);
    expect(light.n).toBe(10);
    // The same penalizer as the list's fit (calibration end Jun 30 either way): the same r.
    const listed = await list({ penalizer: 0.001 });
    expect(listed.method).toContain(`r ${light.parts!.bgnbd_r!.toPrecision(3)},`);
    expect(heavy.parts!.bgnbd_r).toBeLessThan(light.parts!.bgnbd_r!);
  });
});

describe('retain customers on a small workspace', () => {
  it('prints the note above the table and in JSON; --penalizer is taken', () => {
    const table = cli(['customers', '--db', db, '--segment', 'champions']);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe('4 customers on the champions list as of 2024-06-30; showing 4.');
    expect(lines[2]).toMatch(/^note: No CLV, P\(alive\) or risk: the BG\/NBD model cannot be fitted/);
    expect(lines[3]).toMatch(/^customer_id/);
    const json = cli(['customers', '--db', db, '--segment', 'promoters', '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as { note: string; customers: { customer_id: string; clv: null }[] };
    expect(parsed.customers.map((c) => c.customer_id)).toEqual(['c10', 'c05', 'c03']);
    expect(parsed.note).toMatch(/^No CLV/);
    const fitted = JSON.parse(cli(['customers', '--db', db, '--segment', 'champions', '--format', 'json', '--penalizer', '0.001']).stdout) as { note?: string; method: string };
    expect(fitted.note).toBeUndefined();
    expect(fitted.method).toMatch(/with penalizer 0\.001/);
  });

  it('stops at-risk with exit code 2 and the remedy', () => {
    const r = cli(['customers', '--db', db, '--segment', 'at-risk']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--segment at-risk needs the BG\/NBD model's predictions/);
    expect(r.stderr).toMatch(/Add --penalizer 0\.001/);
    const bad = cli(['customers', '--db', db, '--penalizer', '-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--penalizer must be a number ≥ 0; got "-1"/);
  });

  it('takes --penalizer on every command that fits the models', () => {
    for (const args of [['report'], ['model', 'fit'], ['model', 'evaluate'], ['customers']]) {
      const help = cli([...args, '--help']);
      expect(help.stdout, args.join(' ')).toMatch(/--penalizer <x>/);
    }
  });
});
