/** Order metrics on a small fixture, expected values worked out by hand here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const JAN = { from: '2024-01-01', to: '2024-02-01' };

beforeAll(async () => {
  wh = await memoryWorkspace();
  // c1 (US) ordered in December, then twice in January (100 and 50 USD, categories A then B);
  // c2 (DE) once in January in EUR at 1.25 (80 EUR = 100 USD, category A) and a cancelled order;
  // c3 (US) first orders in February.
  await load(wh, {
    customers: `customer_id,created_at,country,channel\nc1,2023-11-01,US,organic\nc2,2023-12-01,DE,paid\nc3,2024-01-20,US,organic`,
    fx_rates: `currency,date,rate\nEUR,2023-12-01,1.25`,
    orders: `order_id,customer_id,ordered_at,amount,currency,status
o0,c1,2023-12-15,40,USD,completed
o1,c1,2024-01-10,100,USD,completed
o2,c1,2024-01-20,50,USD,completed
o3,c2,2024-01-15,80,EUR,completed
o4,c2,2024-01-16,999,EUR,cancelled
o5,c3,2024-02-01,30,USD,completed`,
    order_items: `order_id,line_id,product_id,category,quantity,unit_price
o1,1,p1,A,1,100
o2,1,p2,B,1,50
o3,1,p1,A,2,40
o5,1,p3,C,1,30`,
  });
});
afterAll(async () => wh.close());

describe('order metrics', () => {
  it('aov: completed revenue in the reporting currency per completed order', async () => {
    const r = await metric(wh, 'aov', JAN);
    expect(r.value).toBeCloseTo((100 + 50 + 80 * 1.25) / 3, 9);
    expect(r.n).toBe(3);
    expect(r.benchmark).toMatchObject({ band: 'typical' });
  });

  it('purchase_frequency: orders per ordering customer', async () => {
    expect(await metric(wh, 'purchase_frequency', JAN)).toMatchObject({ value: 3 / 2, n: 2 });
  });

  it('repeat_purchase_rate: customers with two or more orders in the period', async () => {
    const r = await metric(wh, 'repeat_purchase_rate', JAN);
    expect(r).toMatchObject({ value: 50, n: 2 });
    expect(r.ci95).toHaveLength(2);
  });

  it('returning_customer_rate: ordering customers who had ordered before the period; per bucket in a series', async () => {
    const r = await metric(wh, 'returning_customer_rate', { from: '2023-12-01', to: '2024-03-01' });
    expect(r.value).toBeCloseTo(0, 9); // over Dec–Feb every customer's first order is inside the period
    expect(r.series).toEqual([
      { start: '2023-12-01', value: 0, n: 1 }, // c1's first order
      { start: '2024-01-01', value: 50, n: 2 }, // c1 returns, c2 is new
      { start: '2024-02-01', value: 0, n: 1 }, // c3 is new
    ]);
    expect((await metric(wh, 'returning_customer_rate', JAN)).value).toBe(50);
  });

  it('upsell_ratio and cross_sell_rate from distinct categories', async () => {
    expect(await metric(wh, 'upsell_ratio', JAN)).toMatchObject({ value: 1, n: 2 }); // c1 two categories, c2 one
    expect(await metric(wh, 'cross_sell_rate', JAN)).toMatchObject({ value: 50, n: 2 });
    // December: c1's only order (o0) has no lines — no line in the period has a category, so
    // cross-sell is unknown, not 0 %.
    const dec = { from: '2023-12-01', to: '2024-01-01' };
    expect(await metric(wh, 'cross_sell_rate', dec)).toMatchObject({ value: null, n: 0, note: expect.stringContaining('no order line in the period has a product category') });
    expect((await metric(wh, 'upsell_ratio', dec)).value).toBeNull();
  });

  it('an empty denominator gives null with a note, never 0', async () => {
    const r = await metric(wh, 'aov', { from: '2022-01-01', to: '2022-02-01' });
    expect(r).toMatchObject({ value: null, n: 0, note: 'No completed orders in the period.' });
    expect(r.benchmark).toMatchObject({ band: null });
    // February: c3 bought one category → 0 of 1 is 0; January in the US: only c1, with two → nobody with one → null.
    expect((await metric(wh, 'upsell_ratio', { from: '2024-02-01', to: '2024-03-01' })).value).toBe(0);
    const us = await metric(wh, 'upsell_ratio', { ...JAN, slice: { where: [{ field: 'country', value: 'US' }] } });
    expect(us).toMatchObject({ value: null, note: 'No customer bought from exactly one category in the period.' });
  });

  it('filters by a customer field with a bound value, and breaks down by one', async () => {
    expect(await metric(wh, 'aov', { ...JAN, slice: { where: [{ field: 'country', value: 'DE' }] } })).toMatchObject({ value: 100, n: 1 });
    expect(await metric(wh, 'aov', { ...JAN, slice: { where: [{ field: 'country', value: "DE' OR '1'='1" }] } })).toMatchObject({ value: null });
    const by = await metric(wh, 'aov', { ...JAN, slice: { where: [], by: 'country' } });
    expect(by.segments).toEqual([
      { segment: 'DE', value: 100, n: 1, ci95: null, small_n: false }, // money, not a rate
      { segment: 'US', value: 75, n: 2, ci95: null, small_n: false },
    ]);
    await expect(metric(wh, 'aov', { ...JAN, slice: { where: [{ field: 'email; DROP TABLE orders', value: 'x' }] } })).rejects.toMatchObject({
      code: 'unknown-field',
    });
  });

  it('compares with the same period a year earlier', async () => {
    const r = await metric(wh, 'repeat_purchase_rate', { ...JAN, compare: 'year' });
    expect(r.compare).toMatchObject({ from: '2023-01-01', to: '2023-02-01', value: null, change: null, p: null });
  });
});

describe('clv_historic', () => {
  it('AOV × purchases a year × lifetime (1 / annual churn) × margin', async () => {
    const w = await memoryWorkspace();
    try {
      // 2024 (366 days). Active at its start (an order in 2023): c1, c2; c1 orders again, c2 does not → churn 50 %.
      // Orders in 2024: c1 100 and 50, c3 60 → AOV 70, 3 orders by 2 customers.
      await load(w, {
        orders: `order_id,customer_id,ordered_at,amount\na,c1,2023-06-01,10\nb,c1,2024-03-01,100\nc,c1,2024-09-01,50\nd,c2,2023-03-01,10\ne,c3,2024-05-01,60`,
      });
      const days = 366;
      const perYear = (3 / 2) * (365.25 / days);
      const annual = 1 - Math.pow(0.5, 12 / (days / 30.4375));
      const r = await metric(w, 'clv_historic', { from: '2024-01-01', to: '2025-01-01' });
      expect(r.value).toBeCloseTo(70 * perYear * (1 / annual), 9);
      expect(r.parts!.lifetime_years).toBeCloseTo(1 / annual, 9);
      await setSetting(w, 'gross_margin', '0.4');
      expect((await metric(w, 'clv_historic', { from: '2024-01-01', to: '2025-01-01' })).value).toBeCloseTo(0.4 * 70 * perYear * (1 / annual), 9);
    } finally {
      await w.close();
    }
  });
});
