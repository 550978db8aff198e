/** Retention and churn under both workspace models, expected values worked out by hand here. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monthlyEquivalent } from '../src/metrics/families/retention.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
beforeEach(async () => (wh = await memoryWorkspace()));
afterEach(async () => wh.close());

describe('transactional model', () => {
  beforeEach(async () => {
    // Period 2024. W = 365 days, so at 2024-01-01 the window is [2023-01-01, 2024-01-01).
    // c1: active at both ends → retained. c2: active at the start only → churned. c3: ordered in
    // 2022, outside the window → not in S. c4: first order in 2024 → new. c5: only a cancelled order.
    await load(wh, {
      orders: `order_id,customer_id,ordered_at,amount,status
o1,c1,2023-06-01,10,completed
o2,c1,2024-12-01,10,completed
o3,c2,2023-03-01,10,completed
o4,c3,2022-06-01,10,completed
o5,c4,2024-05-01,10,completed
o6,c5,2023-05-01,10,cancelled`,
    });
  });
  const YEAR = { from: '2024-01-01', to: '2025-01-01', grain: 'quarter' as const };

  it('retention = retained / S; churn = 100 − retention; new customers are not retained', async () => {
    const r = await metric(wh, 'retention_rate', YEAR);
    expect(r).toMatchObject({ value: 50, n: 2, parts: { start: 2, end: 2, new: 1, retained: 1, churned: 1 } });
    const c = await metric(wh, 'churn_rate', YEAR);
    expect(c.value! + r.value!).toBe(100);
    // Twelve months: monthly equivalent 1 − (1 − 0.5)^(1/12), rated by the band (≈ 5.6 % a month: high).
    expect(c.parts!.monthly_equivalent).toBeCloseTo(100 * (1 - Math.pow(0.5, 1 / (366 / 30.4375))), 9);
    expect(c.benchmark).toMatchObject({ band: 'high' });
  });

  it('per bucket in a series, retention + churn = 100 wherever there is someone to retain', async () => {
    const r = await metric(wh, 'retention_rate', YEAR);
    const c = await metric(wh, 'churn_rate', YEAR);
    expect(r.series.map((x) => x.start)).toEqual(['2024-01-01', '2024-04-01', '2024-07-01', '2024-10-01']);
    for (let i = 0; i < r.series.length; i++) {
      if (r.series[i]!.value !== null) expect(r.series[i]!.value! + c.series[i]!.value!).toBeCloseTo(100, 9);
    }
    // Q1: S = {c1, c2}; at 1 April c2 (last order 2023-03-01) has left the window → 50 %.
    expect(r.series[0]).toEqual({ start: '2024-01-01', value: 50, n: 2 });
  });

  it('follows the activity window, and an empty S gives null with a note', async () => {
    const r = await metric(wh, 'retention_rate', { ...YEAR, activityWindowDays: 90 });
    expect(r).toMatchObject({ value: null, n: 0, note: 'No customer was active at the start of the period, so there is no one to retain.' });
    await setSetting(wh, 'activity_window', '90d');
    expect((await metric(wh, 'retention_rate', YEAR)).value).toBeNull();
  });
});

describe('subscription model', () => {
  beforeEach(async () => {
    await load(wh, {
      subscription_events: `event_id,customer_id,subscription_id,occurred_at,mrr
e1,c1,s1,2023-12-01,100
e2,c1,s1,2024-01-10,0
e3,c1,s2,2024-01-20,50
e4,c2,s3,2023-11-01,30
e5,c2,s3,2024-01-15,0
e6,c3,s4,2024-01-05,20
e7,c4,s5,2023-12-01,10
e8,c4,s5,2023-12-20,0
e9,c4,s6,2023-12-25,20
e10,c5,s7,2024-01-01T00:00:00Z,40`,
    });
  });
  const JAN = { from: '2024-01-01', to: '2024-02-01' };

  it('uses MRR at the instants; a customer who churns and reactivates inside the period is retained', async () => {
    // S = {c1, c2, c4} (c5's first change is exactly at `from`: state at an instant is what
    // happened strictly before it). Retained: c1 (back on s2), c4 (on s6). Churned: c2.
    // E = {c1, c3, c4, c5}; new = {c3, c5}.
    const r = await metric(wh, 'retention_rate', JAN);
    expect(r).toMatchObject({ n: 3, parts: { start: 3, end: 4, new: 2, retained: 2, churned: 1 } });
    expect(r.value).toBeCloseTo(200 / 3, 9);
    const c = await metric(wh, 'churn_rate', JAN);
    expect(c.value).toBeCloseTo(100 / 3, 9);
    expect(c.parts!.monthly_equivalent).toBeCloseTo(monthlyEquivalent(100 / 3, 31 / 30.4375), 9);
    // The standard cross-check (E − N) / S holds: no churned customer came back.
    expect((100 * (4 - 2)) / 3).toBeCloseTo(r.value!, 9);
  });

  it('the model setting overrides the automatic choice', async () => {
    await setSetting(wh, 'model', 'transactional');
    const r = await metric(wh, 'retention_rate', JAN);
    expect(r).toMatchObject({ note: 'Unavailable: no orders have been imported.', needs: ['orders'] });
  });
});
