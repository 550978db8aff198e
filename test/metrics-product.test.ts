/** Feature adoption and the engagement score, expected values worked out by hand here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSetting } from '../src/warehouse/schema/settings.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const JAN = { from: '2024-01-01', to: '2024-02-01' };

beforeAll(async () => {
  wh = await memoryWorkspace();
  await load(wh, {
    customers: `customer_id,created_at\nc1,2023-01-01\nc2,2023-01-01\nc3,2023-01-01\nc4,2023-01-01\nc5,2024-02-15`,
    // Active at 1 February (an order in the 365 days before): c1, c2, c3.
    orders: `order_id,customer_id,ordered_at,amount\no1,c1,2024-01-10,1\no2,c2,2024-01-15,1\no3,c3,2023-06-01,1`,
    activity_events: `event_id,customer_id,occurred_at,name
a1,c1,2024-01-20,login
a2,c1,2024-01-21,login
a3,c1,2024-01-22,login
a4,c2,2024-01-25,export
a5,c3,2023-12-01,login`,
  });
});
afterAll(async () => wh.close());

describe('product', () => {
  it('feature adoption: active customers who used the product in the period', async () => {
    const r = await metric(wh, 'product_adoption_rate', JAN);
    expect(r.value).toBeCloseTo(200 / 3, 9);
    expect(r.n).toBe(3);
    // Per feature: c1 logged in, c2 exported, of the three active customers.
    expect(r.parts).toEqual({ export: 100 / 3, login: 100 / 3 });
  });

  it('engagement score: weighted 30-day activity against the 99th percentile, capped at 100', async () => {
    // raw: c1 3, c2 1, c3 0 (December is outside the 30 days), c4 0; p99 of {1, 3} = 1 + 0.99 · 2 = 2.98.
    const p99 = 1 + 0.99 * 2;
    const scores = [Math.min(100, Math.round((100 * 3) / p99)), Math.round((100 * 1) / p99), 0, 0]; // 100, 34, 0, 0
    const r = await metric(wh, 'engagement_score', JAN);
    expect(r.n).toBe(4); // c5 arrives later
    expect(r.value).toBeCloseTo(scores.reduce((a, b) => a + b) / 4, 9);
    expect(r.parts).toMatchObject({ median: 17, d1: 50, d4: 25, d10: 25 });
  });

  it('engagement weights come from the workspace setting', async () => {
    await setSetting(wh, 'engagement_weights', '{"export": 9}');
    const p99 = 3 + 0.99 * 6; // raw: c1 3, c2 9
    const r = await metric(wh, 'engagement_score', JAN);
    expect(r.value).toBeCloseTo((Math.round(300 / p99) + Math.min(100, Math.round(900 / p99))) / 4, 9);
    await setSetting(wh, 'engagement_weights', '{}');
  });
});
