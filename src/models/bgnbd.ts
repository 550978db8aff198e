/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
 * customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase they
 * drop out with probability p ~ Beta(a, b). Likelihood, maximum-likelihood fit and predictions,
 * in the `lifetimes` conventions (see summary.ts for frequency, recency and T).
 */
import { COARSE_ROWS, fromValueAndGradient, minimizeToMaximum, penalizerOf, type Edge, type FitOptions } from './optimize.js';
import { digamma, logGamma, signedLogHyp2f1 } from './special.js';
import { preparePurchaseData, purchaseArrays, thinned, type PurchaseData, type PurchaseInput } from './summary.js';

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface BgNbdFit extends BgNbdParams {
  /** Unpenalised log-likelihood summed over customers, in the rows' time unit. */
  readonly loglik: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly customers: number;
  /**
   * Where the maximum lies at a limit of the model rather than inside it: ['a→0'] and/or ['b→∞']
   * — the likelihood is highest with no dropout (P(alive) = 1; a and b are where the search
   * stopped and not identified). Empty for an interior maximum.
   */
  readonly boundary: readonly string[];
}

/**
 * Σ w · log L over rows, L = A1·A2·(A3 + [x>0]·A4) with (in logs)
 * A1 = logΓ(r+x) − logΓ(r) + r log α,  A2 = logΓ(a+b) + logΓ(b+x) − logΓ(b) − logΓ(a+b+x),
 * A3 = −(r+x) log(α+T),  A4 = log a − log(b+x−1) − (r+x) log(α+t_x),
 * and, in the same pass, its gradient ∂/∂(r, α, a, b): with π the share of A4 in A3 + A4,
 *   ∂r = Σ W_x (ψ(r+x) − ψ(r)) + N log α − Σ w ((1−π) log(α+T) + π log(α+t_x)),
 *   ∂α = N r/α − Σ w (r+x) ((1−π)/(α+T) + π/(α+t_x)),
 *   ∂a = Σ W_x (ψ(a+b) − ψ(a+b+x)) + Σ w π/a,
 *   ∂b = Σ W_x (ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x)) − Σ w π/(b+x−1).
 * The Gamma terms depend on x only and log(α+t) on t only, so they are computed per distinct
 * frequency and per distinct time; a row costs one exp and one log1p.
 */
function evaluate(d: PurchaseData, r: number, alpha: number, a: number, b: number, withGradient: boolean): { ll: number; g: [number, number, number, number] } {
  const nf = d.freqs.length;
  const logA4 = new Float64Array(nf);
  let ll = d.customers * r * Math.log(alpha);
  const base = logGamma(a + b) - logGamma(b) - logGamma(r);
  let gr = withGradient ? d.customers * (Math.log(alpha) - digamma(r)) : 0;
  let ga = 0;
  let gb = 0;
  const psiAB = withGradient ? digamma(a + b) : 0;
  const psiB = withGradient ? digamma(b) : 0;
  for (let k = 0; k < nf; k++) {
    const x = d.freqs[k]!;
    const W = d.freqWeight[k]!;
    ll += W * (base + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x));
    logA4[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
    if (withGradient) {
      const psiABX = digamma(a + b + x);
      gr += W * digamma(r + x);
      ga += W * (psiAB - psiABX);
      gb += W * (psiAB + digamma(b + x) - psiB - psiABX);
    }
  }
  const nt = d.times.length;
  const logAt = new Float64Array(nt);
  const invAt = new Float64Array(nt);
  for (let k = 0; k < nt; k++) {
    logAt[k] = Math.log(alpha + d.times[k]!);
    invAt[k] = 1 / (alpha + d.times[k]!);
  }
  let galpha = (d.customers * r) / alpha;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i]!;
    const rx = r + x;
    const w = d.w[i]!;
    const iT = d.TIndex[i]!;
    const lT = logAt[iT]!;
    if (x === 0) {
      ll -= w * rx * lT;
      gr -= w * lT;
      galpha -= w * rx * invAt[iT]!;
      continue;
    }
    const it = d.txIndex[i]!;
    const lt = logAt[it]!;
    const a3 = -rx * lT;
    const a4 = logA4[d.freqIndex[i]!]! - rx * lt;
    // log(e^A3 + e^A4) and π = e^A4 / (e^A3 + e^A4) from one exponential.
    const e = Math.exp(-Math.abs(a4 - a3));
    ll += w * (Math.max(a3, a4) + Math.log1p(e));
    const pi = a4 > a3 ? 1 / (1 + e) : e / (1 + e);
    gr -= w * ((1 - pi) * lT + pi * lt);
    galpha -= w * rx * ((1 - pi) * invAt[iT]! + pi * invAt[it]!);
    ga += (w * pi) / a;
    gb -= (w * pi) / (b + x - 1);
  }
  return { ll, g: [gr, galpha, ga, gb] };
}

/** The BG/NBD log-likelihood of the rows, weighted and summed (unpenalised). */
export function bgnbdLogLikelihood(p: BgNbdParams, rows: PurchaseInput): number {
  return evaluate(purchaseArrays(rows, 'BG/NBD'), p.r, p.alpha, p.a, p.b, false).ll;
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * Past e^±9 (a < 1.2e-4, b > 8,100) the dropout part is at its limit: A4 ∝ a/(b+x−1) no longer
 * moves the likelihood, and a and b are left where the search stopped.
 */
const AT_EDGE = 9;
/** The model without dropout: a → 0 or b → ∞ (p ~ Beta(a, b) all at 0), the NBD's likelihood. */
const EDGES: readonly Edge[] = [
  { index: 2, side: 'low' },
  { index: 3, side: 'high' },
];

/**
 * Starting points from the data, in log-parameters: r/α moment-matched to the customers' rates
 * x/T (their spread less the Poisson noise λ/T is the Gamma's variance r/α²), and a/(a+b) to the
 * share of repeat buyers who look gone — silent for over three of their mean gaps t_x/x (a
 * Poisson process alive does that with chance e^−3 ≈ 5 %) — as a dropout chance per purchase,
 * at two concentrations a+b. Rows are in internal time (PurchaseData).
 */
export function dataStarts(d: PurchaseData): number[][] {
  let n = 0;
  let m1 = 0;
  let m2 = 0;
  let noise = 0;
  let repeat = 0;
  let purchases = 0;
  let gone = 0;
  for (let i = 0; i < d.x.length; i++) {
    const [x, tx, T, w] = [d.x[i]!, d.tx[i]!, d.T[i]!, d.w[i]!];
    if (!(T > 0)) continue;
    n += w;
    m1 += (w * x) / T;
    m2 += (w * x * x) / (T * T);
    noise += (w * x) / (T * T);
    if (x === 0) continue;
    repeat += w;
    purchases += w * x;
    if (T - tx > (3 * tx) / x) gone += w;
  }
  const mean = m1 / n;
  const spread = m2 / n - mean * mean - noise / n;
  // No spread beyond the noise: an exponential (r = 1) with the mean rate.
  const [r, alpha] = spread > 0 ? [(mean * mean) / spread, mean / spread] : [1, 1 / mean];
  // 1 − (1 − p)^x̄ of the repeat buyers are gone: p from the share, kept off 0 and 1.
  const p = Math.min(0.9, Math.max(0.01, 1 - (1 - gone / repeat) ** (repeat / purchases)));
  return [1, 4].map((k) => [Math.log(r), Math.log(alpha), Math.log(p * k), Math.log((1 - p) * k)]);
}

/**
 * Interior points across the dropout parameters' range, with (r, α) from each of `rates`: where
 * a fit that ran out to the edge restarts from (the best of them).
 */
function dropoutProbes(rates: readonly (readonly number[])[]): number[][] {
  return rates.flatMap(([r, alpha]) => [0.02, 0.05, 0.1, 0.2, 0.4].flatMap((p) => [0.3, 1, 3, 10].map((k) => [r!, alpha!, Math.log(p * k), Math.log((1 - p) * k)])));
}

/** Fit (r, α, a, b) by maximum likelihood from several starting points. */
export function fitBgNbd(rows: PurchaseInput, o: FitOptions = {}): BgNbdFit {
  const pen = penalizerOf(o, 'BG/NBD');
  const d = preparePurchaseData(rows, 'BG/NBD');
  // Minimise the mean negative log-likelihood per customer plus the penalty (as lifetimes), over
  // log-parameters, with α in the internal time scale (longest T = 10).
  const objective = (data: PurchaseData) =>
    fromValueAndGradient((th) => {
      const p = th.map(Math.exp) as [number, number, number, number];
      const { ll, g } = evaluate(data, ...p, true);
      return {
        value: -ll / data.customers + pen * p.reduce((s, v) => s + v * v, 0),
        gradient: p.map((v, j) => (-v * g[j]!) / data.customers + 2 * pen * v * v),
      };
    });
  // lifetimes' start (all ones), two with the mean rate r/α matched to the data, and two chosen
  // from the data (dataStarts).
  const rate = d.rate;
  const fromData = dataStarts(d);
  const starts = [[0, 0, 0, 0], [Math.log(0.5), Math.log(0.5 / rate), 0, Math.log(3)], [Math.log(2), Math.log(2 / rate), Math.log(0.5), 0], ...fromData];
  const { f, gradient } = objective(d);
  // Above COARSE_ROWS distinct histories the starts are explored on a thinned sample first.
  const coarse = d.x.length > COARSE_ROWS ? objective(thinned(d, Math.ceil(d.x.length / COARSE_ROWS))) : undefined;
  // Nobody-drops-out is a limit of the model, not a failure: a run out to it restarts from interior
  // points (the edge's (r, α), or the data's), and the result says when the maximum is there.
  const res = minimizeToMaximum(f, starts, 'BG/NBD', {
    gradient,
    names: NAMES,
    coarse,
    edges: EDGES,
    at: AT_EDGE,
    probes: dropoutProbes([[Math.log(0.5), Math.log(0.5 / rate)], fromData[0]!]),
  });
  const [r, alphaScaled, a, b] = res.x.map(Math.exp) as [number, number, number, number];
  const params = { r, alpha: alphaScaled / d.scale, a, b };
  const boundary = res.boundary.map((e) => (e.index === 2 ? 'a→0' : 'b→∞'));
  return { ...params, loglik: bgnbdLogLikelihood(params, rows), iterations: res.iterations, converged: res.converged, customers: d.customers, boundary };
}

/**
 * What a fit on an edge means, in words (null inside): a/(a+b) → 0 is the model without dropout;
 * b → ∞ with a/(a+b) held is one dropout chance for every customer (the Beta's spread unidentified).
 */
export function boundaryNote(f: BgNbdParams & { readonly boundary: readonly string[] }): string | null {
  if (!f.boundary.length) return null;
  const p = f.a / (f.a + f.b);
  if (p < 1e-4) {
    return 'The likelihood is highest with no dropout (a/(a+b) → 0): the calibration period shows no sign of customers leaving, so P(alive) is 1 for everyone and a and b are not identified. A longer calibration period may show dropout.';
  }
  return `The likelihood keeps rising as b grows: every customer has the same chance of dropping out after a purchase, ${p.toPrecision(3)}, and its spread across customers is not identified.`;
}

/** P(alive | x, t_x, T) = 1 / (1 + [x>0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)). */
export function probabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * P(alive) for frequencies 0…maxFrequency (rows) and recencies 0…maxRecency (columns) of customers
 * observed for T (default maxRecency, as lifetimes). Frequency 0 is 1 throughout.
 */
export function probabilityAliveMatrix(p: BgNbdParams, maxFrequency: number, maxRecency: number, T = maxRecency): number[][] {
  return Array.from({ length: maxFrequency + 1 }, (_, x) => Array.from({ length: maxRecency + 1 }, (_, tx) => probabilityAlive(p, x, Math.min(tx, T), T)));
}

/**
 * E[X(T, T+t] | x, t_x, T] = P(alive | x, t_x, T) · E[X(T, T+t] | alive, x, T] (FHL 2005, eq. 10):
 * the expectation of a customer still alive times the probability that they are.
 */
export function conditionalExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return expectedPurchasesIfAlive(p, t, x, T) * probabilityAlive(p, x, tx, T);
}

/**
 * E[X(T, T+t] | alive, x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))].
 * It does not depend on t_x, so customers who differ only in recency share it (CLV computes it
 * once per (x, T)). At a = 1 the bracket and a − 1 both vanish; within 1e-3 of it the value is
 * interpolated from a = 1 ± 1e-3, 1 ± 2e-3 (cubic, error ~1e-12) rather than divided 0 by 0.
 */
export function expectedPurchasesIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (!(t > 0)) return 0;
  // Interpolation (and rounding near t = 0) may dip a hair below zero; an expectation cannot.
  if (Math.abs(p.a - 1) < A_NEAR_ONE) return Math.max(0, acrossOne((a) => ifAlive({ ...p, a }, t, x, T), p.a));
  return Math.max(0, ifAlive(p, t, x, T));
}

/** E[X(t)] for a customer who has just made their first purchase (x = t_x = T = 0). */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(p, t, 0, 0, 0);
}

const A_NEAR_ONE = 1e-3;

function ifAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  const { r, alpha, a } = p;
  let { b } = p;
  // c = a+b−1 = 0 (x = 0) is a removable pole of 2F1 · c; step past it by a negligible amount.
  if (x === 0 && Math.abs(a + b - 1) < 1e-12) b += 1e-9;
  const A = r + x;
  const C = a + b + x - 1;
  const z = t / (alpha + T + t);
  const F = signedLogHyp2f1(A, b + x, C, z);
  // G = (1−z)^A · 2F1; the bracket is 1 − G.
  const logG = A * Math.log1p(-z) + F.log;
  const bracket = F.sign > 0 ? -Math.expm1(logG) : F.sign < 0 ? 1 + Math.exp(logG) : 1;
  return (C / (a - 1)) * bracket;
}

/** Cubic interpolation of f at v from 1 ± h, 1 ± 2h (h = A_NEAR_ONE). */
function acrossOne(f: (v: number) => number, v: number): number {
  const h = A_NEAR_ONE;
  const nodes = [1 - 2 * h, 1 - h, 1 + h, 1 + 2 * h];
  const values = nodes.map(f);
  return nodes.reduce((s, xi, i) => s + values[i]! * nodes.reduce((l, xj, j) => (i === j ? l : (l * (v - xj)) / (xi - xj)), 1), 0);
}
