/** Properties every prediction must have, whatever the (plausible) parameters and history. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as bg from '../src/models/bgnbd.js';
import { ModelError } from '../src/models/errors.js';
import * as pn from '../src/models/paretonbd.js';

/** log-uniform positive numbers: parameters span orders of magnitude. */
const positive = (lo: number, hi: number) => fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);

const bgParams = fc.record({ r: positive(0.05, 20), alpha: positive(0.1, 200), a: positive(0.05, 20), b: positive(0.05, 50) });
const pnParams = fc.record({ r: positive(0.05, 20), alpha: positive(0.1, 200), s: positive(0.05, 20), beta: positive(0.1, 500) });

/** A history: x repeat purchases, the last at t_x ≤ T (t_x = 0 when x = 0). */
const history = fc
  .record({ x: fc.integer({ min: 0, max: 200 }), T: fc.double({ min: 0, max: 400, noNaN: true }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : share * T }));

const horizons = fc.tuple(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

describe('BG/NBD predictions', () => {
  it('P(alive) ∈ [0, 1], and 1 without repeat purchases', () => {
    fc.assert(
      fc.property(bgParams, history, (p, h) => {
        const alive = bg.probabilityAlive(p, h.x, h.tx, h.T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (h.x === 0) expect(alive).toBe(1);
      }),
      { numRuns: 500 },
    );
  });

  it('expected purchases are finite, ≥ 0 and increasing in the horizon', () => {
    fc.assert(
      fc.property(bgParams, history, horizons, (p, h, [t1, t2]) => {
        const e1 = bg.conditionalExpectedPurchases(p, t1, h.x, h.tx, h.T);
        const e2 = bg.conditionalExpectedPurchases(p, t2, h.x, h.tx, h.T);
        expect(Number.isFinite(e1) && Number.isFinite(e2)).toBe(true);
        expect(e1).toBeGreaterThanOrEqual(0);
        expect(e2).toBeGreaterThanOrEqual(e1 * (1 - 1e-9) - 1e-300);
        const n1 = bg.expectedPurchases(p, t1);
        expect(bg.expectedPurchases(p, t2)).toBeGreaterThanOrEqual(n1 * (1 - 1e-9) - 1e-300);
        expect(n1).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('regression: tiny horizons near a = 1 (and a + b + x − 1 ≫ a − 1) do not round the expectation to 0', () => {
    // Found by the property above: 2F1 ≈ 1 + 1e-16 lost its tail to log(sum), so 1 − G came out
    // ≤ 0 and E[X(t2)] was clamped to 0 while E[X(t1)] > 0 for t1 < t2.
    const p = { r: 1, alpha: 1, a: 1, b: 0.9989999999999928 };
    const [t1, t2] = [1.019396136059472e-306, 1.0185625782118705e-18];
    const e1 = bg.conditionalExpectedPurchases(p, t1, 108, 0, 0);
    const e2 = bg.conditionalExpectedPurchases(p, t2, 108, 0, 0);
    expect(e1).toBeGreaterThan(0);
    expect(e2).toBeGreaterThanOrEqual(e1);
    // Reference values from mpmath (60 digits), a → 1 as the mean of a = 1 ± 1e-25.
    expect(e2 / 1.1000474910218547e-16 - 1).toBeCloseTo(0, 9);
    expect(bg.expectedPurchases(p, t2) / 1.0185625782118705e-18 - 1).toBeCloseTo(0, 9);
    expect(bg.conditionalExpectedPurchases(p, 1e-12, 108, 0, 0) / 1.079999908255499e-10 - 1).toBeCloseTo(0, 8);
    // Away from a = 1: (r, α, a, b) = (1, 1, 20, 50) gave 0 at t2 after a positive value at t1.
    const q = { r: 1, alpha: 1, a: 20, b: 50 };
    const n1 = bg.expectedPurchases(q, 4.69631329521984e-101);
    const n2 = bg.expectedPurchases(q, 2.0848488512764859e-16);
    expect(n1).toBeGreaterThan(0);
    expect(n2 / 2.0848488512764858e-16 - 1).toBeCloseTo(0, 12);
  });
});

describe('Pareto/NBD predictions', () => {
  it('P(alive) ∈ [0, 1]; expected purchases finite, ≥ 0 and increasing in the horizon', () => {
    fc.assert(
      fc.property(pnParams, history, horizons, (p, h, [t1, t2]) => {
        const alive = pn.probabilityAlive(p, h.x, h.tx, h.T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        const e1 = pn.conditionalExpectedPurchases(p, t1, h.x, h.tx, h.T);
        const e2 = pn.conditionalExpectedPurchases(p, t2, h.x, h.tx, h.T);
        expect(Number.isFinite(e1) && Number.isFinite(e2)).toBe(true);
        expect(e1).toBeGreaterThanOrEqual(0);
        expect(e2).toBeGreaterThanOrEqual(e1 * (1 - 1e-9) - 1e-300);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fits on small random data', () => {
  const rows = fc.array(
    // Days as in real data: T in 1…365 days, the last purchase on a day in between (in weeks).
    fc.record({ x: fc.integer({ min: 0, max: 8 }), T: fc.integer({ min: 1, max: 365 }), share: fc.integer({ min: 0, max: 1000 }), weight: fc.integer({ min: 1, max: 30 }) }),
    { minLength: 1, maxLength: 12 },
  );

  it('either converge to finite parameters or throw a ModelError — never NaN', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const summary = rs.map((r) => ({ frequency: r.x, recency: r.x === 0 ? 0 : Math.round((r.share / 1000) * r.T) / 7, T: r.T / 7, weight: r.weight }));
        for (const fit of [bg.fitBgNbd, pn.fitParetoNbd] as const) {
          try {
            const f = fit(summary) as unknown as Record<string, number>;
            for (const v of Object.values(f)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
