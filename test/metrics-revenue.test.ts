/** MRR and its movements, revenue churn, NRR and GRR, expected values worked out by hand here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const JAN = { from: '2024-01-01', to: '2024-02-01' };

beforeAll(async () => {
  wh = await memoryWorkspace();
  // At 1 January: c1 100, c2 50, c3 80 → 230. In January: c1 upgrades to 250 (+150 expansion),
  // c2 churns (−50), c3 downgrades to 60 (−20 contraction), c4 starts at 40 (new), c5 — who
  // churned in November — comes back at 70 (reactivation). At 1 February: 250 + 60 + 40 + 70 = 420.
  await load(wh, {
    subscription_events: `event_id,customer_id,subscription_id,occurred_at,mrr
e1,c1,s1,2023-12-01,100
e2,c1,s1,2024-01-10,250
e3,c2,s2,2023-12-01,50
e4,c2,s2,2024-01-05,0
e5,c3,s3,2023-12-01,80
e6,c3,s3,2024-01-12,60
e7,c4,s4,2024-01-03,40
e8,c5,s5,2023-10-01,30
e9,c5,s5,2023-11-01,0
e10,c5,s6,2024-01-20,70`,
  });
});
afterAll(async () => wh.close());

describe('subscription revenue', () => {
  it('mrr is the MRR at the end; the series gives each bucket end', async () => {
    expect(await metric(wh, 'mrr', JAN)).toMatchObject({ value: 420, n: 4, parts: { mrr_start: 230 } });
    const r = await metric(wh, 'mrr', { from: '2023-11-01', to: '2024-02-01' });
    expect(r.series.map((x) => x.value)).toEqual([0, 230, 420]); // ends of November, December, January
  });

  it('the five movements are classified and sum to the change in MRR', async () => {
    const r = await metric(wh, 'mrr_movements', JAN);
    expect(r.parts).toEqual({ new: 40, expansion: 150, contraction: -20, churn: -50, reactivation: 70 });
    expect(r.value).toBe(420 - 230);
    expect(Object.values(r.parts!).reduce((a, b) => a! + b!, 0)).toBe(r.value);
  });

  it('net revenue churn is negative when expansion outweighs losses; NRR, GRR and growth follow', async () => {
    expect((await metric(wh, 'revenue_churn_gross', JAN)).value).toBeCloseTo((100 * (50 + 20)) / 230, 9);
    expect((await metric(wh, 'revenue_churn_net', JAN)).value).toBeCloseTo((100 * (50 + 20 - 150)) / 230, 9);
    expect((await metric(wh, 'nrr', JAN)).value).toBeCloseTo(100 - (100 * (50 + 20 - 150)) / 230, 9);
    expect((await metric(wh, 'grr', JAN)).value).toBeCloseTo(100 - (100 * 70) / 230, 9);
    const growth = await metric(wh, 'existing_revenue_growth', JAN);
    expect(growth.value).toBeCloseTo((100 * (250 + 0 + 60 - 230)) / 230, 9);
    expect(growth.value).toBeCloseTo((await metric(wh, 'nrr', JAN)).value! - 100, 9);
  });

  it('with no MRR at the start the rates are null with a note', async () => {
    const r = await metric(wh, 'revenue_churn_net', { from: '2023-09-01', to: '2023-10-01' });
    expect(r).toMatchObject({ value: null, note: 'No MRR at the start of the period to measure against.' });
  });
});

describe('existing-customer revenue growth, transactional', () => {
  it('revenue of customers who ordered before, against their revenue in the previous window of equal length', async () => {
    const w = await memoryWorkspace();
    try {
      // February 2024 has 29 days, so the previous window is [3 January, 1 February).
      // c1: an order in December qualifies them; 50 in the window, 80 in February. c2: 30 on
      // 20 January, 20 in February. c3: first order in February — not an existing customer.
      // c4: ordered on 2 January (existing) but before the window and not in February.
      await load(w, {
        orders: `order_id,customer_id,ordered_at,amount
a,c1,2023-12-10,999
b,c1,2024-01-10,50
c,c1,2024-02-05,80
d,c2,2024-01-20,30
e,c2,2024-02-10,20
f,c3,2024-02-03,100
g,c4,2024-01-02,40`,
      });
      const r = await metric(w, 'existing_revenue_growth', { from: '2024-02-01', to: '2024-03-01' });
      expect(r).toMatchObject({ value: (100 * (100 - 80)) / 80, parts: { current: 100, previous: 80 } });
    } finally {
      await w.close();
    }
  });
});
