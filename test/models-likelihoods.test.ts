/**
 * The likelihoods and predictions checked against the papers' expressions computed here by a
 * different route: Gamma functions of small integers and half-integers written out as products,
 * and the integrals the closed forms come from evaluated by tanh-sinh quadrature.
 */
import { describe, expect, it } from 'vitest';
import { bgnbdLogLikelihood, conditionalExpectedPurchases, expectedPurchases, probabilityAlive, probabilityAliveMatrix, type BgNbdParams } from '../src/models/bgnbd.js';
import { expectedSpend, gammaGammaDerivatives, gammaGammaLogLikelihood } from '../src/models/gamma-gamma.js';
import { numericGradient, numericHessian } from '../src/models/optimize.js';
import * as pn from '../src/models/paretonbd.js';
import { logBeta } from '../src/models/special.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/**
 * ∫_0^1 f(p) dp by the tanh-sinh rule; f gets p and 1 − p (both accurate near the ends), so
 * integrable endpoint singularities such as p^(a−1) are handled to ~1e-14. The nodes reach
 * 1e-100 from either end, so even p^−0.7 leaves a truncated tail below 1e-29.
 */
function integrate01(f: (p: number, q: number) => number, h = 1 / 64): number {
  let sum = 0;
  for (let k = -Math.ceil(5 / h); k <= Math.ceil(5 / h); k++) {
    const u = (Math.PI / 2) * Math.sinh(k * h);
    const p = 1 / (1 + Math.exp(-2 * u));
    const q = 1 / (1 + Math.exp(2 * u));
    if (p === 0 || q === 0) continue;
    sum += f(p, q) * ((Math.PI / 4) * Math.cosh(k * h)) / Math.cosh(u) ** 2;
  }
  return sum * h;
}
const integrate = (f: (x: number) => number, lo: number, hi: number) => (hi - lo) * integrate01((p) => f(lo + (hi - lo) * p));
/** ∫ f(p, 1−p) dp over [lo, hi] ⊂ [0, 1], keeping 1 − p accurate near 1. */
const integrateUnit = (f: (p: number, q: number) => number, lo: number, hi: number) => (hi - lo) * integrate01((u, v) => f(lo + (hi - lo) * u, 1 - hi + (hi - lo) * v));

describe('BG/NBD likelihood (Fader, Hardie & Lee 2005, eq. 6)', () => {
  it('matches L = Γ(r+x)α^r/Γ(r) · B(a, b+x)/B(a, b) · ((α+T)^−(r+x) + [x>0] a/(b+x−1) (α+t_x)^−(r+x)) worked by hand', () => {
    // r = 2, α = 3, a = 2, b = 3, x = 2, t_x = 4, T = 6:
    //   Γ(4)·3²/Γ(2) = 54;  Γ(5)Γ(5)/(Γ(3)Γ(7)) = 24·24/(2·720) = 0.4;  9^−4 + (2/4)·7^−4.
    const L1 = 54 * 0.4 * (1 / 9 ** 4 + 0.5 / 7 ** 4);
    // The same parameters, x = 0, T = 6: A2 = 1 and only (α/(α+T))^r = (3/9)² remains.
    const L0 = 1 / 9;
    const p = { r: 2, alpha: 3, a: 2, b: 3 };
    const ll = bgnbdLogLikelihood(p, [
      { frequency: 2, recency: 4, T: 6, weight: 2 },
      { frequency: 0, recency: 0, T: 6 },
    ]);
    expect(rel(ll, 2 * Math.log(L1) + Math.log(L0))).toBeLessThan(1e-9);

    // Half-integers: r = 1.5, α = 2.5, a = 0.5, b = 2.5, x = 3, t_x = 7.25, T = 10:
    //   Γ(4.5)/Γ(1.5) = 3.5·2.5·1.5;  Γ(3)Γ(5.5)/(Γ(2.5)Γ(6)) = 2·(4.5·3.5·2.5)/120.
    const Lh = 3.5 * 2.5 * 1.5 * 2.5 ** 1.5 * ((2 * 4.5 * 3.5 * 2.5) / 120) * (12.5 ** -4.5 + (0.5 / 4.5) * 9.75 ** -4.5);
    const llh = bgnbdLogLikelihood({ r: 1.5, alpha: 2.5, a: 0.5, b: 2.5 }, [{ frequency: 3, recency: 7.25, T: 10 }]);
    expect(rel(llh, Math.log(Lh))).toBeLessThan(1e-9);
  });

  const cdnow: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  /**
   * E[X(T, T+t] | x, t_x, T] from its derivation: alive customers buy (1/p)(1 − e^{−λpt}) more;
   * integrate λ out analytically and p numerically against the posterior.
   */
  function expectationByQuadrature(q: BgNbdParams, t: number, x: number, tx: number, T: number): number {
    const { r, alpha, a, b } = q;
    const k = r + x;
    const integrand = (p: number, one: number) => p ** (a - 2) * one ** (b + x - 1) * -Math.expm1(-k * Math.log1p((p * t) / (alpha + T)));
    // Split where p t/(α+T) = 1: for long horizons the integrand turns there, far from both ends.
    const split = Math.min(0.5, (alpha + T) / t);
    const num = (integrateUnit(integrand, 0, split) + integrateUnit(integrand, split, 1)) / Math.exp(logBeta(a, b));
    const den = Math.exp(logBeta(a, b + x) - logBeta(a, b)) + (x > 0 ? Math.exp(logBeta(a + 1, b + x - 1) - logBeta(a, b)) * ((alpha + T) / (alpha + tx)) ** k : 0);
    return num / den;
  }

  it('conditional expected purchases agree with the posterior integral (2F1 path vs quadrature)', () => {
    // Also a ≈ 1 (a removable 0/0), and a + b < 1, where c = a+b−1 < 0 for x = 0 (contiguous relation).
    for (const q of [cdnow, { ...cdnow, a: 2.3 }, { ...cdnow, a: 1.0004 }, { ...cdnow, a: 0.9999 }, { r: 3, alpha: 20, a: 0.4, b: 0.7 }, { r: 0.5, alpha: 1, a: 0.3, b: 0.5 }]) {
      for (const [t, x, tx, T] of [
        [39, 0, 0, 38.86],
        [39, 2, 30.43, 38.86],
        [10, 7, 20, 30],
        [200, 1, 1, 50],
        [52, 40, 35, 36],
      ] as const) {
        expect(rel(conditionalExpectedPurchases(q, t, x, tx, T), expectationByQuadrature(q, t, x, tx, T))).toBeLessThan(1e-9);
      }
      expect(rel(expectedPurchases(q, 78), expectationByQuadrature(q, 78, 0, 0, 0))).toBeLessThan(1e-9);
      // A horizon 10⁴ times α: 2F1 at z = 1 − 1e-4.
      expect(rel(expectedPurchases(q, 1e4 * q.alpha), expectationByQuadrature(q, 1e4 * q.alpha, 0, 0, 0))).toBeLessThan(1e-9);
    }
  });

  it('P(alive) is the posterior share of the "still alive" term', () => {
    const { r, alpha, a, b } = cdnow;
    for (const [x, tx, T] of [
      [1, 5, 38],
      [6, 30, 38],
      [2, 1, 38],
    ] as const) {
      const alive = Math.exp(logBeta(a, b + x)) * (alpha + T) ** -(r + x);
      const dead = Math.exp(logBeta(a + 1, b + x - 1)) * (alpha + tx) ** -(r + x);
      expect(rel(probabilityAlive(cdnow, x, tx, T), alive / (alive + dead))).toBeLessThan(1e-12);
    }
    const m = probabilityAliveMatrix(cdnow, 3, 4);
    expect(m).toHaveLength(4);
    expect(m[0]).toEqual([1, 1, 1, 1, 1]);
    expect(m[2]![1]).toBeCloseTo(probabilityAlive(cdnow, 2, 1, 4), 15);
  });
});

describe('Pareto/NBD likelihood (Fader & Hardie 2005 note, eqs. 18–20)', () => {
  /**
   * L = Γ(r+x)α^r β^s/Γ(r) · [(α+T)^−(r+x)(β+T)^−s + s ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ],
   * the expression before the 2F1 closed forms, with the integral done numerically.
   */
  function likelihoodByQuadrature(p: pn.ParetoNbdParams, gammaRatio: number, x: number, tx: number, T: number): number {
    const { r, alpha, s, beta } = p;
    const died = tx < T ? s * integrate((tau) => (alpha + tau) ** -(r + x) * (beta + tau) ** -(s + 1), tx, T) : 0;
    return gammaRatio * alpha ** r * beta ** s * ((alpha + T) ** -(r + x) * (beta + T) ** -s + died);
  }

  it('α ≥ β and α < β branches both match the integral form', () => {
    // Γ(3.5)/Γ(0.5) = 2.5·1.5·0.5 and Γ(2.55)/Γ(0.55) = 1.55·0.55.
    const cases = [
      { p: { r: 0.5, alpha: 12, s: 0.8, beta: 5 }, g: 2.5 * 1.5 * 0.5, x: 3, tx: 20, T: 39 },
      { p: { r: 0.5, alpha: 12, s: 0.8, beta: 5 }, g: 1, x: 0, tx: 0, T: 39 },
      { p: { r: 0.55, alpha: 10.58, s: 0.606, beta: 11.67 }, g: 1.55 * 0.55, x: 2, tx: 30.43, T: 38.86 },
      { p: { r: 0.55, alpha: 10.58, s: 0.606, beta: 11.67 }, g: 1.55 * 0.55, x: 2, tx: 38.86, T: 38.86 },
      { p: { r: 0.5, alpha: 0.01, s: 0.8, beta: 10 }, g: 1, x: 0, tx: 0, T: 39 },
      { p: { r: 0.5, alpha: 30, s: 1.7, beta: 0.02 }, g: 1, x: 0, tx: 0, T: 39 },
    ];
    for (const c of cases) {
      const ll = pn.paretoNbdLogLikelihood(c.p, [{ frequency: c.x, recency: c.tx, T: c.T }]);
      expect(rel(ll, Math.log(likelihoodByQuadrature(c.p, c.g, c.x, c.tx, c.T)))).toBeLessThan(1e-9);
    }
  });

  it('stays finite and right for heavy buyers (x = 60) in both branches', () => {
    // Γ(60.5)/Γ(0.5) = Π_{k=0}^{59} (0.5 + k), as a sum of logs.
    let logG = 0;
    for (let k = 0; k < 60; k++) logG += Math.log(0.5 + k);
    for (const p of [
      { r: 0.5, alpha: 3, s: 0.8, beta: 40 },
      { r: 0.5, alpha: 40, s: 0.8, beta: 3 },
    ]) {
      const ll = pn.paretoNbdLogLikelihood(p, [{ frequency: 60, recency: 60, T: 70 }]);
      const { r, alpha, s, beta } = p;
      const x = 60;
      // In logs: the integrand is far below 1e-300 here.
      const logScale = -(r + x) * Math.log(alpha + 60) - (s + 1) * Math.log(beta + 60);
      const died = s * integrate((tau) => Math.exp(-(r + x) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau) - logScale), 60, 70);
      const aliveTerm = Math.exp(-(r + x) * Math.log(alpha + 70) - s * Math.log(beta + 70) - logScale);
      const expected = logG + r * Math.log(alpha) + s * Math.log(beta) + logScale + Math.log(aliveTerm + died);
      expect(rel(ll, expected)).toBeLessThan(1e-9);
    }
  });

  it('the two branches agree as α crosses β', () => {
    const row = [{ frequency: 4, recency: 21, T: 35 }];
    const at = (alpha: number) => pn.paretoNbdLogLikelihood({ r: 0.7, alpha, s: 0.9, beta: 9 }, row);
    const exact = at(9);
    expect(rel(at(9 * (1 + 1e-9)), exact)).toBeLessThan(1e-9);
    expect(rel(at(9 * (1 - 1e-9)), exact)).toBeLessThan(1e-9);
    // And the slope is continuous: one-sided differences on either side agree.
    const h = 1e-4;
    expect(Math.abs((at(9 + h) - exact) / h - (exact - at(9 - h)) / h)).toBeLessThan(1e-3);
  });

  it('P(alive) and conditional expected purchases match their derivations', () => {
    const p = { r: 0.55, alpha: 10.58, s: 0.606, beta: 11.67 };
    const [x, tx, T, t] = [2, 30.43, 38.86, 39];
    const g = 1.55 * 0.55;
    const alive = g * p.alpha ** p.r * p.beta ** p.s * (p.alpha + T) ** -(p.r + x) * (p.beta + T) ** -p.s;
    const pAlive = alive / likelihoodByQuadrature(p, g, x, tx, T);
    expect(rel(pn.probabilityAlive(p, x, tx, T), pAlive)).toBeLessThan(1e-9);
    // Alive at T: λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T); E[λ/μ (1 − e^{−μt})] = E[λ] ∫_0^t E[e^{−μτ}] dτ.
    const lifetime = integrate((tau) => ((p.beta + T) / (p.beta + T + tau)) ** p.s, 0, t);
    expect(rel(pn.conditionalExpectedPurchases(p, t, x, tx, T), ((p.r + x) / (p.alpha + T)) * lifetime * pAlive)).toBeLessThan(1e-9);
    expect(rel(pn.expectedPurchases(p, t), (p.r / p.alpha) * integrate((tau) => (p.beta / (p.beta + tau)) ** p.s, 0, t))).toBeLessThan(1e-9);
    // s = 1 exactly: the limit, not 0/0.
    const one = { ...p, s: 1 };
    expect(rel(pn.expectedPurchases(one, t), (p.r / p.alpha) * p.beta * Math.log1p(t / p.beta))).toBeLessThan(1e-12);
  });
});

describe('Gamma-Gamma likelihood (Fader & Hardie note, eq. 1a)', () => {
  it('matches Γ(px+q)/(Γ(px)Γ(q)) γ^q m^(px−1) x^(px) / (γ + x m)^(px+q) by hand, and is a density in m', () => {
    // p = 2, q = 3, γ = 4, x = 2, m = 5: Γ(7)/(Γ(4)Γ(3)) = 720/12 = 60.
    const f = (60 * 4 ** 3 * 5 ** 3 * 2 ** 4) / 14 ** 7;
    expect(rel(gammaGammaLogLikelihood({ p: 2, q: 3, gamma: 4 }, [{ frequency: 2, monetary: 5, weight: 3 }]), 3 * Math.log(f))).toBeLessThan(1e-12);
    // ∫_0^∞ f(m) dm = 1, with m = u/(1−u).
    const g = { p: 1.7, q: 2.4, gamma: 9 };
    const total = integrate01((u, v) => Math.exp(gammaGammaLogLikelihood(g, [{ frequency: 3, monetary: u / v }])) / (v * v));
    expect(total).toBeCloseTo(1, 9);
  });

  it('its analytic gradient and Hessian agree with finite differences of the likelihood', () => {
    const rows = [
      { frequency: 1, monetary: 12.5, weight: 4 },
      { frequency: 2, monetary: 30, weight: 1 },
      { frequency: 2, monetary: 7.25, weight: 2 },
      { frequency: 7, monetary: 18, weight: 3 },
    ];
    const at = [2.3, 3.1, 14];
    const ll = (v: readonly number[]) => gammaGammaLogLikelihood({ p: v[0]!, q: v[1]!, gamma: v[2]! }, rows);
    const d = gammaGammaDerivatives({ p: at[0]!, q: at[1]!, gamma: at[2]! }, rows);
    expect(rel(d.loglik, ll(at))).toBeLessThan(1e-14);
    numericGradient(ll, at, ll(at)).forEach((v, i) => expect(rel(d.gradient[i]!, v)).toBeLessThan(1e-7));
    const h = numericHessian(ll, at, 1e-3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      expect(Math.abs(d.hessian[i]![j]! - h[i]![j]!)).toBeLessThan(1e-5 * (1 + Math.abs(h[i]![j]!)));
      expect(d.hessian[i]![j]).toBe(d.hessian[j]![i]);
    }
  });

  it('expected spend is the posterior mean of p/ν, ν | m, x ~ Gamma(q + px, γ + x m)', () => {
    const g = { p: 6.25, q: 3.74, gamma: 15.44 };
    const [x, m] = [2, 22.35];
    // E[1/ν] = ∫ ν^(k−2) e^(−ρν) dν / ∫ ν^(k−1) e^(−ρν) dν, both over ν = u/(1−u): no Gamma function needed.
    const k = g.q + g.p * x;
    const rho = g.gamma + x * m;
    const moment = (j: number) => integrate01((u, v) => Math.exp(j * Math.log(u / v) - (rho * u) / v) / (v * v));
    const meanInv = moment(k - 2) / moment(k - 1);
    expect(rel(expectedSpend(g, x, m), g.p * meanInv)).toBeLessThan(1e-9);
    // Without repeat purchases: the population mean pγ/(q−1).
    expect(rel(expectedSpend(g, 0, 0), (g.p * g.gamma) / (g.q - 1))).toBeLessThan(1e-14);
  });
});

