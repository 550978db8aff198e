/** CLV (lifetimes' customer_lifetime_value convention), the spend expectation and the independence check. */
import { describe, expect, it } from 'vitest';
import { conditionalExpectedPurchases, type BgNbdParams } from '../src/models/bgnbd.js';
import { customerLifetimeValue } from '../src/models/clv.js';
import { expectedSpend, independenceCheck } from '../src/models/gamma-gamma.js';
import { groupSpend, groupSummaries } from '../src/models/summary.js';

const weekly: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('customer lifetime value', () => {
  const customer = [2, 30.43, 38.86] as const; // x, t_x, T in weeks

  it('without discounting telescopes to spend × expected purchases over the whole horizon', () => {
    const clv = customerLifetimeValue(weekly, 25, ...customer, { horizonMonths: 12, monthlyDiscount: 0, unitsPerMonth: 30 / 7 });
    expect(clv).toBeCloseTo(25 * conditionalExpectedPurchases(weekly, (12 * 30) / 7, ...customer), 10);
  });

  it('discounts month i by (1 + d)^i', () => {
    const d = 0.01;
    const u = 30 / 7;
    let expected = 0;
    for (let i = 1; i <= 3; i++) expected += (conditionalExpectedPurchases(weekly, i * u, ...customer) - conditionalExpectedPurchases(weekly, (i - 1) * u, ...customer)) / 1.01 ** i;
    const clv = customerLifetimeValue(weekly, 40, ...customer, { horizonMonths: 3, monthlyDiscount: d, unitsPerMonth: u, margin: 0.3 });
    expect(clv).toBeCloseTo(0.3 * 40 * expected, 10);
    expect(clv).toBeLessThan(0.3 * 40 * conditionalExpectedPurchases(weekly, 3 * u, ...customer));
    expect(customerLifetimeValue(weekly, 40, ...customer, { horizonMonths: 0, monthlyDiscount: d, unitsPerMonth: u })).toBe(0);
  });

  it('does not depend on the time unit: days with 30 per month equal weeks with 30/7', () => {
    const daily: BgNbdParams = { ...weekly, alpha: weekly.alpha * 7 };
    const inWeeks = customerLifetimeValue(weekly, 30, ...customer, { horizonMonths: 24, monthlyDiscount: 0.01, unitsPerMonth: 30 / 7 });
    const inDays = customerLifetimeValue(daily, 30, 2, 30.43 * 7, 38.86 * 7, { horizonMonths: 24, monthlyDiscount: 0.01, unitsPerMonth: 30 });
    expect(inDays).toBeCloseTo(inWeeks, 9);
  });
});

describe('Gamma-Gamma expected spend and the independence check', () => {
  it('expected spend is the frequency-weighted mix of the population mean and the customer’s own mean', () => {
    const g = { p: 6.25, q: 3.74, gamma: 15.44 };
    const [x, m] = [5, 40];
    const w = (g.p * x) / (g.p * x + g.q - 1);
    expect(expectedSpend(g, x, m)).toBeCloseTo((1 - w) * ((g.p * g.gamma) / (g.q - 1)) + w * m, 10);
  });

  it('Pearson correlation of frequency and spend over repeat customers, weights as repeated rows', () => {
    // (1, 10), (2, 20), (3, 20) twice, and a one-time buyer that must be ignored.
    const rows = [
      { frequency: 1, monetary: 10 },
      { frequency: 2, monetary: 20 },
      { frequency: 3, monetary: 20, weight: 2 },
      { frequency: 0, monetary: 0, weight: 100 },
    ];
    const xs = [1, 2, 3, 3];
    const ms = [10, 20, 20, 20];
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    const [mx, mm] = [mean(xs), mean(ms)];
    const cov = xs.reduce((s, x, i) => s + (x - mx) * (ms[i]! - mm), 0);
    const r = cov / Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0) * ms.reduce((s, m) => s + (m - mm) ** 2, 0));
    const check = independenceCheck(rows);
    expect(check.correlation).toBeCloseTo(r, 12);
    expect(check.warn).toBe(true);
    expect(independenceCheck([{ frequency: 1, monetary: 10 }, { frequency: 2, monetary: 12 }, { frequency: 1, monetary: 13 }, { frequency: 2, monetary: 11 }])).toEqual({ correlation: 0, warn: false });
  });
});

describe('grouping summaries', () => {
  it('sums the weights of identical (frequency, recency, T) and of identical repeat spend', () => {
    const rows = [
      { frequency: 0, recency: 0, T: 5, monetary: 0 },
      { frequency: 0, recency: 0, T: 5 },
      { frequency: 2, recency: 3, T: 5, monetary: 12, weight: 3 },
      { frequency: 2, recency: 3, T: 5, monetary: 12 },
      { frequency: 2, recency: 4, T: 5, monetary: 12 },
    ];
    expect(groupSummaries(rows)).toEqual([
      { frequency: 0, recency: 0, T: 5, weight: 2 },
      { frequency: 2, recency: 3, T: 5, weight: 4 },
      { frequency: 2, recency: 4, T: 5, weight: 1 },
    ]);
    expect(groupSpend(rows)).toEqual([{ frequency: 2, monetary: 12, weight: 5 }]);
  });
});
