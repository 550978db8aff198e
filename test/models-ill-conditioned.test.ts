/** Data the models cannot be fitted on get a ModelError that says why and what to do — never NaN, never a hang. */
import { describe, expect, it } from 'vitest';
import { fitBgNbd, type BgNbdParams } from '../src/models/bgnbd.js';
import { customerLifetimeValue } from '../src/models/clv.js';
import { ModelError } from '../src/models/errors.js';
import { expectedSpend, fitGammaGamma, independenceCheck } from '../src/models/gamma-gamma.js';
import { minimize } from '../src/models/optimize.js';
import { fitParetoNbd } from '../src/models/paretonbd.js';
import type { PurchaseRow } from '../src/models/summary.js';

/** The thrown error, checked to be a ModelError. */
function failure(f: () => unknown): ModelError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    return e as ModelError;
  }
  throw new Error('expected a ModelError, got a result');
}

const fits = [
  ['BG/NBD', fitBgNbd],
  ['Pareto/NBD', fitParetoNbd],
] as const;

describe.each(fits)('%s refuses', (name, fit) => {
  it('no customers', () => {
    expect(failure(() => fit([])).message).toBe(
      `${name}: there are no customers to fit. Import orders (or widen the filters) so that some customers have a first purchase before the calibration end.`,
    );
    expect(failure(() => fit([{ frequency: 1, recency: 1, T: 2, weight: 0 }])).message).toMatch(/no customers to fit/);
  });

  it('a single customer', () => {
    expect(failure(() => fit([{ frequency: 3, recency: 8, T: 10 }])).message).toBe(
      `${name}: a single customer cannot identify the model's four parameters. Fit on a customer base (hundreds of customers or more).`,
    );
  });

  it('only one-time buyers', () => {
    const rows = [
      { frequency: 0, recency: 0, T: 10, weight: 400 },
      { frequency: 0, recency: 0, T: 30, weight: 600 },
    ];
    const message = failure(() => fit(rows)).message;
    expect(message).toMatch(/every customer is a one-time buyer \(frequency 0 everywhere\)/);
    expect(message).toMatch(name === 'BG/NBD' ? /the dropout parameters a and b are not identified/ : /s and β are not identified/);
    expect(message).toMatch(/Use a longer calibration period/);
  });

  it('T = 0 for every customer', () => {
    expect(failure(() => fit([{ frequency: 0, recency: 0, T: 0, weight: 50 }])).message).toBe(
      `${name}: every customer made the first purchase at the calibration end (T = 0), so there is no time in which to observe repeat purchases. Move the calibration end later.`,
    );
  });

  it('rows that are not a purchase summary', () => {
    expect(failure(() => fit([{ frequency: 1, recency: 12, T: 10 }])).message).toMatch(/row 0 has recency 12 outside \[0, T = 10\]/);
    expect(failure(() => fit([{ frequency: 1.5, recency: 1, T: 10 }])).message).toMatch(/whole number/);
    expect(failure(() => fit([{ frequency: 0, recency: 3, T: 10 }])).message).toMatch(/frequency 0 but recency 3/);
    expect(failure(() => fit([{ frequency: 1, recency: 1, T: 10, weight: -2 }])).message).toMatch(/weight -2/);
    expect(failure(() => fit([{ frequency: 1, recency: 1, T: Number.NaN }])).message).toMatch(/T = NaN/);
    expect(failure(() => fit([{ frequency: 1, recency: 1, T: 2 }], { penalizer: -1 })).message).toMatch(/penalizer -1 must be a finite number ≥ 0/);
  });

  it('a parameter the data do not identify (nobody seems to drop out)', () => {
    const rows: PurchaseRow[] = [
      { frequency: 3, recency: 9.9, T: 10, weight: 100 },
      { frequency: 5, recency: 9.8, T: 10, weight: 100 },
      { frequency: 0, recency: 0, T: 10, weight: 1 },
    ];
    // Which parameter runs off depends on the starts; that one does, and what to do (a penalizer
    // only pulls a parameter back from infinity), is the point.
    expect(failure(() => fit(rows)).message).toMatch(/parameter \w+ ran off towards (zero|infinity) \([^)]+\), so the data do not identify it\. (Fit with a small penalizer \(e\.g\. 0\.001\), a|Use a) longer calibration period or more customers\./);
  });

  it('identical customers, for which no maximum exists, in bounded time', () => {
    const started = performance.now();
    expect(failure(() => fit([{ frequency: 1, recency: 5, T: 10, weight: 100 }])).message).toMatch(
      /ran off towards infinity \(.*\), so the data do not identify it\. Fit with a small penalizer \(e\.g\. 0\.001\)/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('Gamma-Gamma refuses', () => {
  it('no repeat customers', () => {
    const message = failure(() => fitGammaGamma([{ frequency: 0, monetary: 0, weight: 10 }])).message;
    expect(message).toBe('Gamma-Gamma: there are no repeat customers with a positive spend, and the spend model learns only from them. Use a longer calibration period, or fall back to the mean order value.');
    expect(failure(() => fitGammaGamma([])).message).toMatch(/no repeat customers/);
  });

  it('a single repeat customer', () => {
    expect(failure(() => fitGammaGamma([{ frequency: 2, monetary: 30 }, { frequency: 0, monetary: 0, weight: 9 }])).message).toMatch(/a single repeat customer cannot identify the spread of spend/);
  });

  it('zero-variance spend', () => {
    const rows = [
      { frequency: 1, monetary: 25, weight: 40 },
      { frequency: 4, monetary: 25, weight: 10 },
    ];
    expect(failure(() => fitGammaGamma(rows)).message).toBe('Gamma-Gamma: every repeat customer has the same mean spend (25), so its spread across customers cannot be estimated. Use that spend directly instead of the model.');
    // The independence check is still defined: no spread, no correlation, no warning.
    expect(independenceCheck(rows)).toEqual({ correlation: 0, warn: false });
  });

  it('an unbounded mean spend (q ≤ 1)', () => {
    expect(failure(() => expectedSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0)).message).toMatch(/q = 0\.800 ≤ 1 the model's mean spend is unbounded/);
    // A repeat customer still has a finite expectation when px + q > 1.
    expect(expectedSpend({ p: 2, q: 0.8, gamma: 10 }, 1, 20)).toBeCloseTo((2 * (10 + 20)) / (2 + 0.8 - 1), 12);
  });
});

describe('other guards', () => {
  const model: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('CLV options', () => {
    const o = { horizonMonths: 12, monthlyDiscount: 0.01, unitsPerMonth: 30 / 7 };
    expect(failure(() => customerLifetimeValue(model, 20, 2, 30, 38, { ...o, horizonMonths: 2.5 })).message).toMatch(/whole number of months/);
    expect(failure(() => customerLifetimeValue(model, 20, 2, 30, 38, { ...o, monthlyDiscount: -1 })).message).toMatch(/discount rate/);
    expect(failure(() => customerLifetimeValue(model, 20, 2, 30, 38, { ...o, unitsPerMonth: 0 })).message).toMatch(/units per month/);
    expect(failure(() => customerLifetimeValue(model, Number.NaN, 2, 30, 38, o)).message).toMatch(/must be finite/);
  });

  it('the optimiser gives up with a ModelError on an objective without a minimum', () => {
    expect(failure(() => minimize((x) => x[0]!, [[0]], 'Test model', { names: ['k'] })).message).toMatch(/^Test model: parameter k ran off towards zero/);
    expect(failure(() => minimize((x) => Math.abs(Math.sin(x[0]! * 1e6)) + 1e-3 * x[0]! ** 2, [[0.5]], 'Test model', { maxIterations: 3 })).message).toMatch(
      /^Test model: the likelihood maximisation did not converge from any starting point\./,
    );
    // NaN everywhere is "no finite value", not a NaN result.
    expect(failure(() => minimize(() => Number.NaN, [[0, 0]], 'Test model')).message).toMatch(/did not converge/);
  });
});
