/**
 * What `retain model fit` predicts beside the parameters: a new customer's expected purchases and
 * the P(alive) matrix, against the closed forms written out here.
 */
import { describe, expect, it } from 'vitest';
import { fitPredictions } from '../src/models/predictions.js';

const b = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const p = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };

/** 2F1(a, b; c; z) by its plain series (|z| < 1, here z ≤ 0.93: thousands of terms are plenty). */
function hyp2f1(a: number, bb: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 20000 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= ((a + k) * (bb + k) * z) / ((c + k) * (k + 1));
    sum += term;
  }
  return sum;
}

describe('fit predictions', () => {
  // 100 customers: 50 one-time buyers, 30 with one repeat day, 15 with two, 5 with nine; the
  // longest observation 38.86 weeks.
  const rows = [
    { frequency: 0, T: 20, weight: 50 },
    { frequency: 1, T: 38.86, weight: 30 },
    { frequency: 2, T: 30, weight: 15 },
    { frequency: 9, T: 38, weight: 5 },
  ];
  const f = fitPredictions(b, p, 'week', rows);

  it('a new customer: BG/NBD and Pareto/NBD expected purchases over 1, 3, 6 and 12 months', () => {
    expect(f.newCustomer.map((e) => e.months)).toEqual([1, 3, 6, 12]);
    for (const e of f.newCustomer) {
      const t = (e.months * 365.25) / 12 / 7;
      expect(e.units).toBeCloseTo(t, 12);
      // BG/NBD (FHL 2005, eq. 7): (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
      const bgnbd = ((b.a + b.b - 1) / (b.a - 1)) * (1 - (b.alpha / (b.alpha + t)) ** b.r * hyp2f1(b.r, b.b, b.a + b.b - 1, t / (b.alpha + t)));
      expect(e.bgnbd / bgnbd).toBeCloseTo(1, 9);
      // Pareto/NBD (Schmittlein et al.): rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)].
      const pareto = ((p.r * p.beta) / (p.alpha * (p.s - 1))) * (1 - (p.beta / (p.beta + t)) ** (p.s - 1));
      expect(e.paretonbd! / pareto).toBeCloseTo(1, 12);
    }
    // One year's worth exceeds a month's.
    expect(f.newCustomer[3]!.bgnbd).toBeGreaterThan(f.newCustomer[0]!.bgnbd);
    expect(fitPredictions(b, null, 'week', rows).newCustomer.every((e) => e.paretonbd === null)).toBe(true);
  });

  it('the P(alive) matrix: frequencies up to the 99th percentile, recencies 0…T, the BG/NBD formula in each cell', () => {
    const m = f.pAlive;
    expect(m.T).toBe(38.86);
    // Cumulative shares 50, 80, 95, 100 %: the 99th percentile is frequency 9.
    expect(m.frequencies).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 25 even steps of T / 25, the last exactly T.
    expect(m.recencies).toHaveLength(26);
    expect(m.recencies[0]).toBe(0);
    expect(m.recencies[1]).toBeCloseTo(38.86 / 25, 2);
    expect(m.recencies[25]).toBe(38.86);
    m.frequencies.forEach((x, i) =>
      m.recencies.forEach((tx, j) => {
        // 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)); 1 for x = 0.
        const expected = x === 0 ? 1 : 1 / (1 + (b.a / (b.b + x - 1)) * ((b.alpha + m.T) / (b.alpha + tx)) ** (b.r + x));
        expect(m.values[i]![j]).toBeCloseTo(expected, 12);
      }),
    );
    // A customer who bought just now is likelier alive than one who bought long ago.
    expect(m.values[5]![25]).toBeGreaterThan(m.values[5]![0]!);
  });

  it('short observation: one column per unit, and at least one repeat-purchase row', () => {
    const g = fitPredictions(b, null, 'day', [{ frequency: 0, T: 3, weight: 10 }]);
    expect(g.pAlive.recencies).toEqual([0, 1, 2, 3]);
    expect(g.pAlive.frequencies).toEqual([0, 1]);
    // Days: a month is 30.4375 units.
    expect(g.newCustomer[0]!.units).toBeCloseTo(30.4375, 12);
  });
});
