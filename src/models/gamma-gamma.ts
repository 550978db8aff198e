/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves";
 * Fader & Hardie, "The Gamma-Gamma Model of Monetary Value"): a customer's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean of x repeat transactions, m_x,
 * has a closed-form density. Fitted on repeat customers only. It assumes spend is independent of
 * purchase frequency; `independenceCheck` measures that.
 */
import { ModelError } from './errors.js';
import { COARSE_ROWS, fromValueAndGradient, minimize, penalizerOf, type FitOptions } from './optimize.js';
import { digamma, logGamma, trigamma } from './special.js';
import { toColumns, type SpendColumns, type SpendInput } from './summary.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  /** Unpenalised log-likelihood summed over the repeat customers. */
  readonly loglik: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Repeat customers the fit used. */
  readonly customers: number;
}

interface SpendData {
  readonly x: Float64Array;
  readonly m: Float64Array;
  readonly w: Float64Array;
  readonly customers: number;
  /** Per distinct frequency: the frequency, its customers (Σw) and Σ w·log m over them. */
  readonly freqs: Float64Array;
  readonly freqWeight: Float64Array;
  readonly freqLogM: Float64Array;
}

/** Spend rows as columns: object rows copied once (weight 1 where it is absent), columns as they are. */
const spendColumns = (rows: SpendInput): SpendColumns => toColumns(rows, ['frequency', 'monetary', 'weight'], { weight: 1 });

/**
 * Repeat customers with positive spend; the rest carry no information for this model. One loop
 * into preallocated arrays: this runs on every repeat customer (a million) several times a fit.
 */
function spendData(rows: SpendColumns, scale = 1, stride = 1): SpendData {
  const size = Math.ceil(rows.length / stride);
  const x = new Float64Array(size);
  const m = new Float64Array(size);
  const w = new Float64Array(size);
  const index = new Map<number, number>();
  const weights: number[] = [];
  const logM: number[] = [];
  let n = 0;
  // Every stride-th row, with stride times its weight (a systematic sample when stride > 1).
  for (let i = 0; i < rows.length; i += stride) {
    const frequency = rows.frequency[i]!;
    const monetary = rows.monetary[i]!;
    const wi = rows.weight[i]! * stride;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new ModelError(`Gamma-Gamma: row ${i} has weight ${wi}; a weight counts customers and must be a finite number ≥ 0.`);
    if (!Number.isFinite(frequency) || !Number.isFinite(monetary)) throw new ModelError(`Gamma-Gamma: row ${i} has a non-finite frequency or spend; pass the mean repeat spend as a number.`);
    if (!(wi > 0 && frequency > 0 && monetary > 0)) continue;
    let k = index.get(frequency);
    if (k === undefined) {
      index.set(frequency, (k = index.size));
      weights.push(0);
      logM.push(0);
    }
    const mi = monetary * scale;
    x[n] = frequency;
    m[n] = mi;
    w[n++] = wi;
    weights[k] = weights[k]! + wi;
    logM[k] = logM[k]! + wi * Math.log(mi);
  }
  return {
    x: x.subarray(0, n),
    m: m.subarray(0, n),
    w: w.subarray(0, n),
    customers: weights.reduce((s, v) => s + v, 0),
    freqs: Float64Array.from(index.keys()),
    freqWeight: Float64Array.from(weights),
    freqLogM: Float64Array.from(logM),
  };
}

/**
 * log f(m_x | p, q, γ, x) = logΓ(px+q) − logΓ(px) − logΓ(q) + q log γ + (px−1) log m_x
 *                          + px log x − (px+q) log(γ + x m_x)     (note eq. 1a),
 * summed with weights, and in the same pass its gradient:
 *   ∂p = Σ w x (ψ(px+q) − ψ(px) + log m + log x − log(γ + x m)),
 *   ∂q = Σ w (ψ(px+q) − ψ(q) + log γ − log(γ + x m)),
 *   ∂γ = Σ w (q/γ − (px+q)/(γ + x m)).
 * Every term but log(γ + x m) depends on x alone or sums over log m, so it is taken per distinct
 * frequency; a row costs one log and one division. The Hessian comes in the same pass (for
 * Newton's polish): the row terms are linear in p and q, so ∂pp, ∂pq, ∂qq are per frequency,
 *   ∂pp = Σ W x² (ψ′(px+q) − ψ′(px)),  ∂pq = Σ W x ψ′(px+q),  ∂qq = Σ W ψ′(px+q) − N ψ′(q),
 * and the rest cost a row three products:
 *   ∂pγ = −Σ w x/(γ + x m),  ∂qγ = N/γ − Σ w/(γ + x m),  ∂γγ = −N q/γ² + Σ w (px+q)/(γ + x m)².
 */
function evaluate(d: SpendData, p: number, q: number, gamma: number, withGradient: boolean): { ll: number; g: [number, number, number]; h: number[][] } {
  const logGammaQ = Math.log(gamma);
  let ll = d.customers * (q * logGammaQ - logGamma(q));
  let gp = 0;
  let gq = withGradient ? d.customers * (logGammaQ - digamma(q)) : 0;
  let gg = (d.customers * q) / gamma;
  let hpp = 0;
  let hpq = 0;
  let hqq = withGradient ? -d.customers * trigamma(q) : 0;
  let hpg = 0;
  let hqg = d.customers / gamma;
  let hgg = (-d.customers * q) / (gamma * gamma);
  for (let k = 0; k < d.freqs.length; k++) {
    const x = d.freqs[k]!;
    const W = d.freqWeight[k]!;
    const px = p * x;
    const logX = Math.log(x);
    ll += W * (logGamma(px + q) - logGamma(px) + px * logX) + (px - 1) * d.freqLogM[k]!;
    if (withGradient) {
      const psi = digamma(px + q);
      gp += x * (W * (psi - digamma(px) + logX) + d.freqLogM[k]!);
      gq += W * psi;
      const psi1 = trigamma(px + q);
      hpp += W * x * x * (psi1 - trigamma(px));
      hpq += W * x * psi1;
      hqq += W * psi1;
    }
  }
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i]!;
    const w = d.w[i]!;
    const px = p * x;
    const denominator = gamma + x * d.m[i]!;
    const lgm = Math.log(denominator);
    const inverse = w / denominator;
    const term = (px + q) * inverse;
    ll -= w * (px + q) * lgm;
    gp -= w * x * lgm;
    gq -= w * lgm;
    gg -= term;
    hpg -= x * inverse;
    hqg -= inverse;
    hgg += term / denominator;
  }
  return {
    ll,
    g: [gp, gq, gg],
    h: [
      [hpp, hpq, hpg],
      [hpq, hqq, hqg],
      [hpg, hqg, hgg],
    ],
  };
}

/** The Gamma-Gamma log-likelihood of the repeat customers among the rows (unpenalised). */
export function gammaGammaLogLikelihood(g: GammaGammaParams, rows: SpendInput): number {
  return evaluate(spendData(spendColumns(rows)), g.p, g.q, g.gamma, false).ll;
}

/** The log-likelihood with its gradient and Hessian in (p, q, γ) (for standard errors and tests). */
export function gammaGammaDerivatives(g: GammaGammaParams, rows: SpendInput): { loglik: number; gradient: number[]; hessian: number[][] } {
  const r = evaluate(spendData(spendColumns(rows)), g.p, g.q, g.gamma, true);
  return { loglik: r.ll, gradient: r.g, hessian: r.h };
}

const NAMES = ['p', 'q', 'gamma'] as const;

/** Fit (p, q, γ) by maximum likelihood on repeat customers (frequency > 0, monetary > 0). */
export function fitGammaGamma(rows: SpendInput, o: FitOptions = {}): GammaGammaFit {
  const pen = penalizerOf(o, 'Gamma-Gamma');
  const columns = spendColumns(rows);
  const d = spendData(columns);
  if (d.customers === 0) throw new ModelError('Gamma-Gamma: there are no repeat customers with a positive spend, and the spend model learns only from them. Use a longer calibration period, or fall back to the mean order value.');
  if (d.customers < 2) throw new ModelError('Gamma-Gamma: a single repeat customer cannot identify the spread of spend across customers. Fit on more repeat customers, or fall back to the mean order value.');
  const mean = meanSpend(d);
  let variance = 0;
  for (let i = 0; i < d.m.length; i++) variance += d.w[i]! * (d.m[i]! - mean) ** 2;
  variance /= d.customers;
  if (variance <= 1e-12 * mean * mean) {
    throw new ModelError(`Gamma-Gamma: every repeat customer has the same mean spend (${mean}), so its spread across customers cannot be estimated. Use that spend directly instead of the model.`);
  }
  // Money enters through γ only (γ scales with the currency); fit with spend in units of its
  // mean so the starting points suit any currency, and penalise in the data's currency (lifetimes).
  const objective = (data: SpendData) =>
    fromValueAndGradient((th) => {
      const phi = th.map(Math.exp) as [number, number, number];
      const [p, q, g] = phi;
      const { ll, g: grad, h } = evaluate(data, p, q, g, true);
      const gamma = g * mean;
      // The penalty's φ_j², with γ in the data's currency.
      const squares = [p * p, q * q, gamma * gamma];
      const n = data.customers;
      return {
        value: -ll / n + pen * (squares[0]! + squares[1]! + squares[2]!),
        gradient: phi.map((v, j) => (-v * grad[j]!) / n + 2 * pen * squares[j]!),
        // In log-parameters: ∂²/∂θj∂θk = φj φk ∂²/∂φj∂φk + [j = k] φj ∂/∂φj.
        hessian: phi.map((vj, j) => phi.map((vk, k) => (-(vj * vk * h[j]![k]!) - (j === k ? vj * grad[j]! : 0)) / n + (j === k ? 4 * pen * squares[j]! : 0))),
      };
    });
  const { f, gradient, hessian } = objective(spendData(columns, 1 / mean));
  // Above COARSE_ROWS customers the starts are explored on every k-th row (k times the weight) first.
  const k = Math.ceil(d.x.length / COARSE_ROWS);
  const coarse = k > 1 ? objective(spendData(columns, 1 / mean, k)) : undefined;
  // Population mean spend pγ/(q−1) = 1 in scaled units at each start.
  const starts = [
    [0, Math.log(2), 0],
    [Math.log(4), Math.log(4), Math.log(0.75)],
    [Math.log(0.5), Math.log(1.5), 0],
  ];
  const res = minimize(f, starts, 'Gamma-Gamma', { gradient, hessian, names: NAMES, coarse });
  const [p, q, g] = res.x.map(Math.exp) as [number, number, number];
  const params = { p, q, gamma: g * mean };
  return { ...params, loglik: evaluate(d, p, q, params.gamma, false).ll, iterations: res.iterations, converged: res.converged, customers: d.customers };
}

/** The weighted mean spend of the repeat customers with a positive spend; 0 without any. */
export function meanRepeatSpend(rows: SpendInput): number {
  return meanSpend(spendData(spendColumns(rows)));
}

/** The weighted mean of the spends in d; 0 without customers. */
function meanSpend(d: SpendData): number {
  let total = 0;
  for (let i = 0; i < d.m.length; i++) total += d.w[i]! * d.m[i]!;
  return d.customers ? total / d.customers : 0;
}

/**
 * E[M | p, q, γ, m_x, x] = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m_x = p(γ + x m_x)/(px+q−1):
 * the population mean pγ/(q−1), pulled towards the customer's own mean spend by their frequency.
 * A customer without repeat purchases (x = 0) gets the population mean.
 */
export function expectedSpend(g: GammaGammaParams, frequency: number, monetary: number): number {
  const x = frequency > 0 && monetary > 0 ? frequency : 0;
  const denominator = g.p * x + g.q - 1;
  if (!(denominator > 0)) {
    throw new ModelError(
      `Gamma-Gamma: with q = ${g.q.toPrecision(3)} ≤ 1 the model's mean spend is unbounded for a customer with ${x} repeat purchases. Refit with a penalizer, or use the customer's observed mean spend.`,
    );
  }
  return (g.p * (g.gamma + x * (x > 0 ? monetary : 0))) / denominator;
}

/**
 * The model's independence assumption, checked: the Pearson correlation of frequency and mean
 * spend over repeat customers (weighted). |r| > 0.3 warns. With fewer than two distinct values on
 * either side the correlation is undefined and reported as 0.
 */
export function independenceCheck(rows: SpendInput): { correlation: number; warn: boolean } {
  const d = spendData(spendColumns(rows));
  if (d.customers === 0) return { correlation: 0, warn: false };
  let mx = 0;
  let mm = 0;
  for (let i = 0; i < d.x.length; i++) {
    mx += d.w[i]! * d.x[i]!;
    mm += d.w[i]! * d.m[i]!;
  }
  mx /= d.customers;
  mm /= d.customers;
  let sxx = 0;
  let smm = 0;
  let sxm = 0;
  for (let i = 0; i < d.x.length; i++) {
    const dx = d.x[i]! - mx;
    const dm = d.m[i]! - mm;
    sxx += d.w[i]! * dx * dx;
    smm += d.w[i]! * dm * dm;
    sxm += d.w[i]! * dx * dm;
  }
  if (!(sxx > 0) || !(smm > 0)) return { correlation: 0, warn: false };
  const correlation = Math.max(-1, Math.min(1, sxm / Math.sqrt(sxx * smm)));
  return { correlation, warn: Math.abs(correlation) > 0.3 };
}
