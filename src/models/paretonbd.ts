/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005, "A Note on Deriving the
 * Pareto/NBD Model and Related Expressions"): while alive a customer buys as a Poisson process
 * with rate λ ~ Gamma(r, α) and dies after an exponential lifetime with rate μ ~ Gamma(s, β).
 * Likelihood, fit, P(alive) and expected purchases, in the `lifetimes` conventions.
 */
import { COARSE_ROWS, minimize, penalizerOf, type FitOptions } from './optimize.js';
import { logAddExp, logGamma, logHyp2f1Unit, logSubExp } from './special.js';
import { preparePurchaseData, purchaseArrays, thinned, type PurchaseData, type PurchaseInput } from './summary.js';

export interface ParetoNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

export interface ParetoNbdFit extends ParetoNbdParams {
  /** Unpenalised log-likelihood summed over customers, in the rows' time unit. */
  readonly loglik: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly customers: number;
}

/**
 * log F(t) where A0 = F(t_x) − F(T) (the note's eqs. 19–20). With M = max(α, β),
 *   F(t) = 2F1(r+s+x, b'; r+s+x+1; |α−β|/(M+t)) / (M+t)^(r+s+x),  b' = s+1 if α ≥ β, else r+x.
 * Euler's transformation (1 − z = (min(α,β)+t)/(M+t) exactly, no cancellation) turns the 2F1 into
 * 2F1(1, ·; r+s+x+1; z), whose series has no hump however large x is:
 *   α ≥ β:  F = (α+t)^−(r+x) (β+t)^−s     · 2F1(1, r+x; r+s+x+1; (α−β)/(α+t)),
 *   α < β:  F = (α+t)^(1−r−x) (β+t)^−(s+1) · 2F1(1, s+1; r+s+x+1; (β−α)/(β+t)).
 * At α = β both are (α+t)^−(r+s+x): the cases meet continuously.
 */
function logF(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  const c = r + s + x + 1;
  const la = Math.log(alpha + t);
  const lb = Math.log(beta + t);
  if (alpha >= beta) return -(r + x) * la - s * lb + logHyp2f1Unit(r + x, c, (alpha - beta) / (alpha + t));
  return (1 - r - x) * la - (s + 1) * lb + logHyp2f1Unit(s + 1, c, (beta - alpha) / (beta + t));
}

/** log A0 = log(F(t_x) − F(T)); −∞ when t_x = T (the term vanishes). */
function logA0(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  return logSubExp(logF(r, alpha, s, beta, x, tx), logF(r, alpha, s, beta, x, T));
}

/**
 * The rows with their F terms deduplicated: F depends on (x, t) only, and grouped data repeat
 * those pairs across rows (every one-time buyer has (0, 0)), so each distinct pair is computed
 * once per likelihood evaluation.
 */
interface ParetoData extends PurchaseData {
  readonly pairX: Float64Array;
  readonly pairT: Float64Array;
  readonly atTx: Int32Array;
  readonly atT: Int32Array;
}

function withPairs(d: PurchaseData): ParetoData {
  const index = new Map<string, number>();
  const xs: number[] = [];
  const ts: number[] = [];
  const pair = (x: number, t: number) => {
    const key = `${x}|${t}`;
    let k = index.get(key);
    if (k === undefined) {
      k = xs.length;
      index.set(key, k);
      xs.push(x);
      ts.push(t);
    }
    return k;
  };
  const atTx = Int32Array.from(d.x, (x, i) => pair(x, d.tx[i]!));
  const atT = Int32Array.from(d.x, (x, i) => pair(x, d.T[i]!));
  return { ...d, pairX: Float64Array.from(xs), pairT: Float64Array.from(ts), atTx, atT };
}

/**
 * log L = logΓ(r+x) − logΓ(r) + r log α + s log β
 *       + log[ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A0 ].
 */
function logLik(d: ParetoData, r: number, alpha: number, s: number, beta: number): number {
  let ll = d.customers * (r * Math.log(alpha) + s * Math.log(beta) - logGamma(r));
  for (let k = 0; k < d.freqs.length; k++) ll += d.freqWeight[k]! * logGamma(r + d.freqs[k]!);
  const F = Float64Array.from(d.pairX, (x, j) => logF(r, alpha, s, beta, x, d.pairT[j]!));
  const logS = Math.log(s);
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i]!;
    const T = d.T[i]!;
    const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    const died = logS - Math.log(r + s + x) + logSubExp(F[d.atTx[i]!]!, F[d.atT[i]!]!);
    ll += d.w[i]! * logAddExp(alive, died);
  }
  return ll;
}

/** The Pareto/NBD log-likelihood of the rows, weighted and summed (unpenalised). */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, rows: PurchaseInput): number {
  return logLik(withPairs(purchaseArrays(rows, 'Pareto/NBD')), p.r, p.alpha, p.s, p.beta);
}

const NAMES = ['r', 'alpha', 's', 'beta'] as const;

/** Fit (r, α, s, β) by maximum likelihood from several starting points. */
export function fitParetoNbd(rows: PurchaseInput, o: FitOptions = {}): ParetoNbdFit {
  const pen = penalizerOf(o, 'Pareto/NBD');
  const base = preparePurchaseData(rows, 'Pareto/NBD');
  const d = withPairs(base);
  const objective = (data: ParetoData) => (th: readonly number[]) => {
    const [r, alpha, s, beta] = th.map(Math.exp) as [number, number, number, number];
    return -logLik(data, r, alpha, s, beta) / data.customers + pen * (r * r + alpha * alpha + s * s + beta * beta);
  };
  const f = objective(d);
  // Above COARSE_ROWS distinct histories the starts are explored on a thinned sample first.
  const coarse = d.x.length > COARSE_ROWS ? { f: objective(withPairs(thinned(base, Math.ceil(d.x.length / COARSE_ROWS)))) } : undefined;
  // All ones (lifetimes' start, time scaled so the longest T is 10), and two with the mean rate
  // r/α matched to the data and a mean dropout rate s/β of 0.1 (a tenth of the longest T).
  const rate = d.rate;
  const starts = [
    [0, 0, 0, 0],
    [Math.log(0.5), Math.log(0.5 / rate), Math.log(0.5), Math.log(5)],
    [Math.log(2), Math.log(2 / rate), Math.log(2), Math.log(20)],
  ];
  const res = minimize(f, starts, 'Pareto/NBD', { names: NAMES, coarse });
  const [r, alpha, s, beta] = res.x.map(Math.exp) as [number, number, number, number];
  const params = { r, alpha: alpha / d.scale, s, beta: beta / d.scale };
  return { ...params, loglik: paretoNbdLogLikelihood(params, rows), iterations: res.iterations, converged: res.converged, customers: d.customers };
}

/** P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0). */
export function probabilityAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const logOdds = Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + logA0(r, alpha, s, beta, x, tx, T);
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * (1 − (β'/(β'+t))^(s−1)) / (s−1) with β' = β+T; its limit log((β'+t)/β') at s = 1 comes out of
 * expm1 without a special case except s = 1 exactly.
 */
function lifetimeIntegral(s: number, betaT: number, t: number): number {
  const L = Math.log1p(t / betaT);
  return s === 1 ? L : -Math.expm1(-(s - 1) * L) / (s - 1);
}

/** E[X(T, T+t] | x, t_x, T] = (r+x)(β+T)/(α+T) · lifetimeIntegral · P(alive) (note eq. 41). */
export function conditionalExpectedPurchases(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t > 0)) return 0;
  return (((p.r + x) * (p.beta + T)) / (p.alpha + T)) * lifetimeIntegral(p.s, p.beta + T, t) * probabilityAlive(p, x, tx, T);
}

/** E[X(t)] for a customer who has just made a first purchase: rβ/α · lifetimeIntegral at T = 0. */
export function expectedPurchases(p: ParetoNbdParams, t: number): number {
  if (!(t > 0)) return 0;
  return ((p.r * p.beta) / p.alpha) * lifetimeIntegral(p.s, p.beta, t);
}
