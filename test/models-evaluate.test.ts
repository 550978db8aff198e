/** Holdout figures from grouped rows, checked against per-customer arithmetic done here. */
import { describe, expect, it } from 'vitest';
import { conditionalExpectations, trackingCurve, type PurchaseModel } from '../src/models/evaluate.js';

// A model whose prediction is easy to do by hand: 0.1 purchases per unit of horizon per calibration purchase + 0.2.
const model: PurchaseModel = { conditional: (t, x) => 0.1 * t * x + 0.2, unconditional: (t) => 0.5 * t };

describe('holdout evaluation', () => {
  it('groups by calibration frequency and computes totals and RMSE over customers', () => {
    // Customers (frequency, holdout purchases): (0, 0), (0, 1), (1, 2), (9, 3), (8, 0); horizon 10.
    // Predictions: 0.2, 0.2, 1.2, 9.2, 8.2.
    const rows = [
      { frequency: 0, recency: 0, T: 5, weight: 2, holdout: 1, holdoutSq: 1 },
      { frequency: 1, recency: 2, T: 5, weight: 1, holdout: 2, holdoutSq: 4 },
      { frequency: 9, recency: 4, T: 5, weight: 1, holdout: 3, holdoutSq: 9 },
      { frequency: 8, recency: 4, T: 5, weight: 1, holdout: 0, holdoutSq: 0 },
    ];
    const { groups, errors } = conditionalExpectations(rows, model, 10, 7);
    expect(groups).toEqual([
      { frequency: '0', customers: 2, actual: 0.5, predicted: expect.closeTo(0.2, 12) },
      { frequency: '1', customers: 1, actual: 2, predicted: expect.closeTo(1.2, 12) },
      { frequency: '7+', customers: 2, actual: 1.5, predicted: expect.closeTo(8.7, 12) },
    ]);
    const perCustomer = [[0, 0.2], [1, 0.2], [2, 1.2], [3, 9.2], [0, 8.2]] as const;
    const rmse = Math.sqrt(perCustomer.reduce((s, [y, p]) => s + (y - p) ** 2, 0) / 5);
    expect(errors.rmse).toBeCloseTo(rmse, 12);
    expect(errors.actual).toBe(6);
    expect(errors.predicted).toBeCloseTo(19, 12);
    expect(errors.errorPct).toBeCloseTo((100 * (19 - 6)) / 6, 10);
    expect(errors.groupMae).toBeCloseTo((2 * 0.3 + 1 * 0.8 + 2 * 7.2) / 5, 12);
  });

  it('no holdout purchases: the error percentage is null, not a division by zero', () => {
    const { errors } = conditionalExpectations([{ frequency: 0, recency: 0, T: 1, weight: 3, holdout: 0, holdoutSq: 0 }], model, 1);
    expect(errors.errorPct).toBeNull();
  });

  it('tracks cumulative repeat purchases against the cohorts’ expectations', () => {
    // 2 customers first buy on day 0, 1 on day 7; repeats on days 3, 8, 9; weekly steps, unit = 7 days.
    const firsts = new Map([[0, 2], [7, 1]]);
    const repeats = new Map([[3, 1], [8, 1], [9, 1]]);
    const pts = trackingCurve(firsts, repeats, model, { startDay: 0, endDay: 13, stepDays: 7, unitDays: 7 });
    // End of week 1 (day 6): actual 1, expected 2 · 0.5 · 6/7. Day 13: actual 3, expected 2 · 0.5 · 13/7 + 0.5 · 6/7.
    expect(pts).toEqual([
      { day: 6, actual: 1, predicted: expect.closeTo(6 / 7, 12) },
      { day: 13, actual: 3, predicted: expect.closeTo(13 / 7 + 3 / 7, 12) },
    ]);
  });
});
