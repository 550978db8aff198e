/** The cohort retention matrix and Kaplan–Meier survival, expected values worked out by hand here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaplanMeier } from '../src/metrics/families/lifetime.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const PERIOD = { from: '2024-01-01', to: '2024-05-01', activityWindowDays: 60 };

beforeAll(async () => {
  wh = await memoryWorkspace();
  // c1: January cohort, back in February and April. c2: January cohort, never back.
  // c3: February cohort, back in March. c4: first ordered in December 2023 — no cohort of the period.
  await load(wh, {
    orders: `order_id,customer_id,ordered_at,amount
o1,c1,2024-01-05,1
o2,c1,2024-02-10,1
o3,c1,2024-04-02,1
o4,c2,2024-01-20,1
o5,c3,2024-02-01,1
o6,c3,2024-03-03,1
o7,c4,2023-12-01,1
o8,c4,2024-01-10,1`,
  });
});
afterAll(async () => wh.close());

describe('cohort retention', () => {
  it('cells are shares of each cohort active k buckets later; the value is the weighted one-bucket retention', async () => {
    // The data ends on 2024-04-02, so April (whose last day is the 30th) is not observed: the
    // January cohort's +3 cell and February's +2 are null, not 0 %. March is observed, and nobody
    // of January came back then: an observed 0 %.
    const r = await metric(wh, 'cohort_retention', PERIOD);
    expect(r.parts).toEqual({ '2024-01-01+1': 50, '2024-01-01+2': 0, '2024-01-01+3': null, '2024-02-01+1': 100, '2024-02-01+2': null });
    expect(r.value).toBeCloseTo(200 / 3, 9);
    expect(r.n).toBe(3);
    expect(r.series).toEqual([
      { start: '2024-01-01', value: 50, n: 2 },
      { start: '2024-02-01', value: 100, n: 1 },
      { start: '2024-03-01', value: null, n: 0 },
      { start: '2024-04-01', value: null, n: 0 },
    ]);
  });
});

describe('cohort retention: unobserved cells are left out, not scored 0 %', () => {
  let w: Warehouse;
  // c1, c2: January cohort, c1 back in February and April. c3: April cohort (its next bucket, May,
  // is outside the period). c9: an order after the period, so the data reaches past April.
  beforeAll(async () => {
    w = await memoryWorkspace();
    await load(w, {
      orders: `order_id,customer_id,ordered_at,amount
o1,c1,2024-01-05,1
o2,c1,2024-02-10,1
o3,c1,2024-04-20,1
o4,c2,2024-01-20,1
o5,c3,2024-04-03,1
o9,c9,2024-05-10,1`,
    });
  });
  afterAll(async () => w.close());

  it('a cohort whose next bucket lies after the period counts in no average', async () => {
    // January: 1 of 2 back in February (50 %), none in March (0 %), 1 in April (50 %). April's
    // cohort has no following bucket in the period: no cell, out of the value and its n.
    const r = await metric(w, 'cohort_retention', PERIOD);
    expect(r.parts).toEqual({ '2024-01-01+1': 50, '2024-01-01+2': 0, '2024-01-01+3': 50 });
    expect(r.value).toBe(50); // 1 of 2, not 1 of 3
    expect(r.n).toBe(2);
    expect(r.series.find((p) => p.start === '2024-04-01')).toEqual({ start: '2024-04-01', value: null, n: 0 });
  });

  it('a bucket cut by the period end is not observed, even where the data goes on', async () => {
    // To 2024-04-15: April is half a bucket, so January's +3 cell is null and April's cohort
    // (c3, 2024-04-03) has no observed cell.
    const r = await metric(w, 'cohort_retention', { ...PERIOD, to: '2024-04-15' });
    expect(r.parts).toEqual({ '2024-01-01+1': 50, '2024-01-01+2': 0, '2024-01-01+3': null });
    expect(r.value).toBe(50);
    expect(r.n).toBe(2);
  });

  it('when no cohort has an observed next bucket, the value is null with a reason', async () => {
    const r = await metric(w, 'cohort_retention', { ...PERIOD, from: '2024-04-01', to: '2024-05-01' });
    expect(r.value).toBeNull();
    expect(r.n).toBe(0);
    expect(r.note).toMatch(/observed/);
  });
});

describe('survival', () => {
  it('Kaplan–Meier by hand: deaths over those at risk, censored customers leave the risk set, Greenwood intervals', () => {
    const km = kaplanMeier([
      { month: 1, deaths: 1, censored: 0 },
      { month: 2, deaths: 0, censored: 1 },
      { month: 3, deaths: 1, censored: 1 },
    ]);
    // t = 1: 4 at risk, S = 3/4, Greenwood Σ = 1/(4·3); t = 3: 2 at risk, S = 3/8, Σ = 1/12 + 1/(2·1).
    const half1 = 1.96 * 0.75 * Math.sqrt(1 / 12);
    const half3 = 1.96 * 0.375 * Math.sqrt(1 / 12 + 1 / 2);
    expect(km.curve.map((p) => [p.t, p.s])).toEqual([
      [0, 1],
      [1, 0.75],
      [3, 0.375],
    ]);
    expect(km.curve[1]!.lo).toBeCloseTo(0.75 - half1, 12);
    expect(km.curve[1]!.hi).toBe(1); // 0.75 + half1 > 1: cut at 1
    expect(km.curve[2]!.lo).toBe(0); // 0.375 − half3 < 0: cut at 0
    expect(km.curve[2]!.hi).toBeCloseTo(0.375 + half3, 12);
    expect(km.median).toBe(3);
    expect(km.n).toBe(4);
  });

  it('at equal ages churns come before censorings: the censored customer is still at risk', () => {
    const km = kaplanMeier([{ month: 2, deaths: 1, censored: 1 }]);
    expect(km.curve.map((p) => p.s)).toEqual([1, 0.5]);
    expect(km.median).toBe(2);
  });

  it('everyone at risk churning takes S to 0 with a zero-width interval', () => {
    const km = kaplanMeier([{ month: 1, deaths: 2, censored: 0 }]);
    expect(km.curve[1]).toEqual({ t: 1, s: 0, lo: 0, hi: 0 });
  });

  it('churn at the last order plus the window; still-active customers are censored at the end', async () => {
    // Exact ages in months (30.4375 days): c2 churns at 60 days, c4 at 100 days; c3 is censored at
    // 90 days, c1 at 117 days. S = 1 until 60 days, 3/4 from then (4 at risk), 3/8 from 100 days
    // (2 at risk: c4 and c1). The median is c4's age.
    const r = await metric(wh, 'survival', PERIOD);
    const half3 = 1.96 * 0.75 * Math.sqrt(1 / 12);
    const half6 = 1.96 * 0.375 * Math.sqrt(1 / 12 + 1 / 2);
    expect(r.value).toBeCloseTo(100 / 30.4375, 9);
    expect(r.n).toBe(4);
    expect(r.series).toEqual([]);
    const p = r.parts!;
    expect([p.s1, p.s1_lo, p.s1_hi]).toEqual([100, 100, 100]);
    expect(p.s3).toBeCloseTo(75, 9);
    expect(p.s3_lo).toBeCloseTo(100 * (0.75 - half3), 9);
    expect(p.s3_hi).toBe(100);
    for (const m of [6, 12, 24]) {
      expect(p[`s${m}`]).toBeCloseTo(37.5, 9);
      expect(p[`s${m}_lo`]).toBe(0);
      expect(p[`s${m}_hi`]).toBeCloseTo(100 * (0.375 + half6), 9);
    }
  });

  it('ages are exact, not whole months: a customer censored before a churn is not at risk for it', async () => {
    // Window 30 days, to 2024-05-01. a: 03-01 … 03-20, churns 04-19, aged 49 days (1.61 months).
    // b: 03-20 … 04-05, censored at the end, aged 42 days (1.38 months). c: from 01-01, censored at
    // 121 days. At a's churn only a and c are at risk: S = 1/2 (whole months would have put b at
    // risk too, in month 1, and given 2/3).
    const w = await memoryWorkspace();
    try {
      await load(w, {
        orders: `order_id,customer_id,ordered_at,amount
a1,a,2024-03-01,1
a2,a,2024-03-20,1
b1,b,2024-03-20,1
b2,b,2024-04-05,1
c1,c,2024-01-01,1
c2,c,2024-04-20,1`,
      });
      const r = await metric(w, 'survival', { ...PERIOD, activityWindowDays: 30 });
      expect(r.value).toBeCloseTo(49 / 30.4375, 9);
      expect(r.parts!.s1).toBe(100);
      expect(r.parts!.s3).toBeCloseTo(50, 9);
    } finally {
      await w.close();
    }
  });
});
