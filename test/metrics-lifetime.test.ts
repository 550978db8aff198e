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
    const r = await metric(wh, 'cohort_retention', PERIOD);
    expect(r.parts).toEqual({ '2024-01-01+1': 50, '2024-01-01+3': 50, '2024-02-01+1': 100 });
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

describe('survival', () => {
  it('Kaplan–Meier by hand: deaths over those at risk, censored customers leave the risk set', () => {
    const km = kaplanMeier([
      { month: 1, deaths: 1, censored: 0 },
      { month: 2, deaths: 0, censored: 1 },
      { month: 3, deaths: 1, censored: 1 },
    ]);
    expect(km.curve).toEqual([
      [0, 1],
      [1, 0.75],
      [3, 0.375],
    ]);
    expect(km.median).toBe(3);
  });

  it('churn at the last order plus the window; still-active customers are censored at the end', async () => {
    // Ages in months (30.4375 days): c2 churns at 60 days (month 1), c4 at 100 days (month 3);
    // c3 is censored at 90 days (month 2), c1 at 117 days (month 3).
    const r = await metric(wh, 'survival', PERIOD);
    expect(r).toMatchObject({ value: 3, n: 4, parts: { s1: 75, s3: 37.5, s6: 37.5, s12: 37.5, s24: 37.5 }, series: [] });
  });
});
