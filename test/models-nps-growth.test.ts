/** NPS against later growth: correlation arithmetic checked by hand. */
import { describe, expect, it } from 'vitest';
import { correlationP, laggedCorrelations, pearson } from '../src/metrics/nps-growth.js';

describe('relating NPS to growth', () => {
  it('Pearson r by hand', () => {
    // x = 1..4, y = 2, 1, 4, 3, both of mean 2.5: Σdx·dy = (−1.5)(−0.5) + (−0.5)(−1.5) + (0.5)(1.5) + (1.5)(0.5) = 3; Σdx² = Σdy² = 5.
    expect(pearson([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(3 / 5, 12);
    expect(pearson([1, 2], [3, 4])).toBeNull();
    expect(pearson([1, 1, 1], [3, 4, 5])).toBeNull();
  });

  it('pairs NPS in month t with the outcome in month t + lag, skipping unknown months', () => {
    const nps = [10, 20, null, 40, 50, 60];
    const churn = [9, 5, 4, 3, null, 1, 0];
    const [lag0, lag1] = laggedCorrelations('churn_rate', nps, churn, 1);
    // lag 0: (10,9), (20,5), (40,3), (60,1) → 4 pairs; lag 1: (10,5), (20,4), (40,null)…, (50,1), (60,0) → 4 pairs.
    expect(lag0).toMatchObject({ outcome: 'churn_rate', lag: 0, n: 4 });
    expect(lag0!.r).toBeCloseTo(pearson([10, 20, 40, 60], [9, 5, 3, 1])!, 12);
    expect(lag1).toMatchObject({ lag: 1, n: 4 });
    expect(lag1!.r).toBeCloseTo(pearson([10, 20, 50, 60], [5, 4, 1, 0])!, 12);
  });

  it('Fisher z p-value: r = 0.5 over 28 pairs → z = atanh(0.5)·5 ≈ 2.747, p ≈ 0.006', () => {
    expect(correlationP(0.5, 28)).toBeCloseTo(0.00602, 4);
    expect(correlationP(0.9, 3)).toBeNull();
    expect(correlationP(null, 30)).toBeNull();
  });
});
