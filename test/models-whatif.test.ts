/** The retention what-if: projection arithmetic by hand, inputs measured on a fixture by the engine. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceWhatIf } from '../src/metrics/whatif.js';
import { retentionWhatIf } from '../src/models/whatif.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

describe('retention what-if projection', () => {
  // Monthly survival 0.9 ⇔ annual retention 0.9^12.
  const inputs = { activeCustomers: 100, annualRetention: 100 * 0.9 ** 12, newPerMonth: 10, revenuePerCustomerMonth: 5, grossMargin: 0.5, monthlyDiscount: 0 };

  it('projects customers, revenue, profit and CLV month by month', () => {
    // Raising retention to 100 % makes the monthly survival 1.
    const w = retentionWhatIf(inputs, 100 - inputs.annualRetention, 2);
    // Baseline: month 0: 100 customers → 500; then 100·0.9 + 10 = 100 → 500; 100 at the end.
    expect(w.baseline.revenue).toBeCloseTo(1000, 9);
    expect(w.baseline.profit).toBeCloseTo(500, 9);
    expect(w.baseline.customersAtEnd).toBeCloseTo(100, 9);
    expect(w.baseline.monthlyRetention).toBeCloseTo(90, 9);
    // A new customer: 2.5 profit in month 0, 0.9 · 2.5 in month 1.
    expect(w.baseline.clv).toBeCloseTo(4.75, 9);
    // Scenario: 100 → 500; 110 → 550; 120 at the end; CLV 5.
    expect(w.scenario).toMatchObject({ annualRetention: 100, monthlyRetention: 100 });
    expect(w.scenario.revenue).toBeCloseTo(1050, 9);
    expect(w.scenario.customersAtEnd).toBeCloseTo(120, 9);
    expect(w.uplift.revenue).toBeCloseTo(5, 9);
    expect(w.uplift.profit).toBeCloseTo(5, 9);
    expect(w.uplift.clv).toBeCloseTo((100 * (5 - 4.75)) / 4.75, 9);
  });

  it('discounts each month and caps retention at 100 %', () => {
    const w = retentionWhatIf({ ...inputs, monthlyDiscount: 0.1 }, 80, 2);
    expect(w.scenario.annualRetention).toBe(100);
    expect(w.baseline.revenue).toBeCloseTo(500 + 500 / 1.1, 9);
  });
});

describe('what-if inputs measured on a workspace', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await memoryWorkspace();
    // The last 12 full months before 2026-11-22: [2025-11-01, 2026-11-01). Activity window 365 days.
    // c1 is active at the start and the end (retained); c2 only at the start (its order lapses
    // 2026-02-10); c3 is new in May.
    await load(wh, {
      customers: `customer_id,created_at\nc1,2025-01-01\nc2,2025-01-01\nc3,2026-05-01`,
      orders: `order_id,customer_id,ordered_at,amount,currency,status
o1,c1,2025-06-01,100,USD,completed
o2,c1,2026-03-01,50,USD,completed
o3,c2,2025-02-10,80,USD,completed
o4,c3,2026-05-10,40,USD,completed`,
    });
  });
  afterAll(async () => wh.close());

  it('annual retention, active customers, new per month and revenue per active customer-month', async () => {
    const w = await workspaceWhatIf(wh, { retention: 5, horizonMonths: 12, now: new Date('2026-11-22T12:00:00Z') });
    expect(w.measured).toEqual({ from: '2025-11-01', to: '2026-11-01', period_reason: null, model: 'transactional' });
    // Retained 1 of the 2 active at the start; c1 and c3 active at the end; 1 new in 12 months.
    expect(w.inputs).toMatchObject({ annualRetention: 50, activeCustomers: 2, grossMargin: 1, monthlyDiscount: 0.01 });
    expect(w.inputs.newPerMonth).toBeCloseTo(1 / 12, 12);
    // Revenue in the period 50 + 40 = 90 over customer-months active at month starts:
    // c1 all 12, c2 Nov–Feb (4), c3 Jun–Oct (5).
    expect(w.inputs.revenuePerCustomerMonth).toBeCloseTo(90 / 21, 12);
    expect(w.scenario.annualRetention).toBe(55);
  });
});
