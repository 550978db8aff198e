/**
 * Parameter recovery: 50,000 customers drawn from BG/NBD with Gamma-Gamma spend (fixed seed),
 * summarised and fitted back.
 *
 * Tolerance: each estimate within 10 % of the truth and within 4 standard errors, the standard
 * errors taken from the observed information (the Hessian of the log-likelihood in log-parameters)
 * at the estimate. With this design (T uniform in 39–78 weeks) they are ~0.8 % (r), ~1.2 % (α),
 * ~2.3 % (a), ~3.1 % (b), ~2.9 % (p), ~1.1 % (q), ~3.8 % (γ), so the bound min(10 %, 4 SE) is
 * 3–10 %: a wrong likelihood or a stuck optimiser fails it, sampling noise (this seed: every
 * estimate within 1 SE) does not. The errors themselves must be that small, so a badly identified design
 * cannot pass by having wide error bars.
 */
import { describe, expect, it } from 'vitest';
import { bgnbdLogLikelihood, fitBgNbd } from '../src/models/bgnbd.js';
import { fitGammaGamma, gammaGammaLogLikelihood } from '../src/models/gamma-gamma.js';
import { numericHessian } from '../src/models/optimize.js';
import { simulateCustomers } from './helpers/simulate-models.js';

/** Square roots of the diagonal of the inverse of a symmetric positive-definite matrix (Gauss–Jordan). */
function standardErrors(h: number[][]): number[] {
  const n = h.length;
  const m = h.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let i = 0; i < n; i++) {
    const pivot = m[i]![i]!;
    m[i] = m[i]!.map((v) => v / pivot);
    for (let k = 0; k < n; k++) {
      if (k === i) continue;
      const f = m[k]![i]!;
      m[k] = m[k]!.map((v, j) => v - f * m[i]![j]!);
    }
  }
  return m.map((row, i) => Math.sqrt(row[n + i]!));
}

describe('parameter recovery from 50,000 simulated customers', () => {
  const truth = { r: 0.5, alpha: 4, a: 0.8, b: 2.5 };
  const spendTruth = { p: 6, q: 4, gamma: 15 };
  const customers = simulateCustomers(truth, 50_000, 20240611, { tMin: 39, tMax: 78, spend: spendTruth });

  it('BG/NBD: r, α, a, b', () => {
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    const names = ['r', 'alpha', 'a', 'b'] as const;
    const logLik = (th: readonly number[]) => bgnbdLogLikelihood({ r: Math.exp(th[0]!), alpha: Math.exp(th[1]!), a: Math.exp(th[2]!), b: Math.exp(th[3]!) }, customers);
    const se = standardErrors(numericHessian((th) => -logLik(th), names.map((k) => Math.log(fit[k]))));
    names.forEach((k, i) => {
      const error = Math.log(fit[k] / truth[k]);
      expect(se[i], `SE of log ${k}`).toBeLessThan(0.04);
      expect(Math.abs(error), `${k} = ${fit[k]}`).toBeLessThan(Math.min(0.1, 4 * se[i]!));
    });
  });

  it('Gamma-Gamma: p, q, γ on the repeat customers', () => {
    const fit = fitGammaGamma(customers.map((c) => ({ frequency: c.frequency, monetary: c.monetary ?? 0 })));
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBeGreaterThan(30_000);
    const names = ['p', 'q', 'gamma'] as const;
    const rows = customers.map((c) => ({ frequency: c.frequency, monetary: c.monetary ?? 0 }));
    const logLik = (th: readonly number[]) => gammaGammaLogLikelihood({ p: Math.exp(th[0]!), q: Math.exp(th[1]!), gamma: Math.exp(th[2]!) }, rows);
    const se = standardErrors(numericHessian((th) => -logLik(th), names.map((k) => Math.log(fit[k]))));
    names.forEach((k, i) => {
      const error = Math.log(fit[k] / spendTruth[k]);
      expect(se[i], `SE of log ${k}`).toBeLessThan(0.05);
      expect(Math.abs(error), `${k} = ${fit[k]}`).toBeLessThan(Math.min(0.1, 4 * se[i]!));
    });
  });

  // Above 50,000 rows the starts are explored on a thinned sample and only the best is polished on
  // all rows. Each customer split into two rows of half weight is the same likelihood over twice
  // the rows: the fit must land on the same maximum as the direct one.
  it('a large input explored on a thinned sample reaches the same maximum', () => {
    const halves = customers.flatMap((c) => [
      { ...c, weight: 0.5 },
      { ...c, weight: 0.5 },
    ]);
    const direct = fitBgNbd(customers);
    const split = fitBgNbd(halves);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(split[k] / direct[k], k).toBeCloseTo(1, 5);
    expect(split.loglik).toBeCloseTo(direct.loglik, 4);
    const spend = (rows: typeof customers) => rows.map((c) => ({ frequency: c.frequency, monetary: c.monetary ?? 0, weight: c.weight }));
    const ggDirect = fitGammaGamma(spend(customers));
    const ggSplit = fitGammaGamma(spend(halves));
    for (const k of ['p', 'q', 'gamma'] as const) expect(ggSplit[k] / ggDirect[k], k).toBeCloseTo(1, 5);
  });
});
