/**
 * Special functions the purchase models need, in plain double precision: log-gamma, log-beta,
 * the Gauss hypergeometric function 2F1 on [0, 1) (and below 0), and overflow-safe log-sum-exp.
 *
 * Everything the likelihoods multiply is carried as logarithms: with hundreds of repeat purchases
 * the Gamma functions and 2F1 overflow a double long before the likelihood itself does.
 */
import { ModelError } from './errors.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Γ(x) for x > 0. Shifts x to ≥ 10 and uses the Stirling series there (its truncation error
 * at x = 10 is below 1e-18); the shift is undone with the log of one product, so there is one
 * log, not ten. Absolute error ~1e-15 near the zeros at 1 and 2, relative ~1e-15 elsewhere.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  if (x < 10) {
    let prod = 1;
    while (x < 10) prod *= x++;
    shift = Math.log(prod);
  }
  const w = 1 / (x * x);
  // B_2k / (2k (2k − 1)) for k = 1…8, by Horner in 1/x².
  const series =
    (1 / 12 + w * (-1 / 360 + w * (1 / 1260 + w * (-1 / 1680 + w * (1 / 1188 + w * (-691 / 360360 + w * (1 / 156 + w * (-3617 / 122400)))))))) / x;
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + series - shift;
}

/**
 * The digamma function ψ(x) = d/dx log Γ(x) for x > 0, for analytic likelihood gradients: shifted
 * to x ≥ 10 by ψ(x) = ψ(x+1) − 1/x, then the asymptotic series (error below 1e-17 there).
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (!(x > 0)) throw new RangeError(`digamma needs x > 0, got ${x}`);
  let shift = 0;
  while (x < 10) shift -= 1 / x++;
  const w = 1 / (x * x);
  // B_2k / (2k) for k = 1…7, by Horner in 1/x².
  const series = w * (1 / 12 + w * (-1 / 120 + w * (1 / 252 + w * (-1 / 240 + w * (1 / 132 + w * (-691 / 32760 + w * (1 / 12)))))));
  return Math.log(x) - 0.5 / x - series + shift;
}

/**
 * The trigamma function ψ′(x) = d²/dx² log Γ(x) for x > 0, for the exact Hessians Newton's method
 * polishes a fit with: shifted to x ≥ 10 by ψ′(x) = ψ′(x+1) + 1/x², then the asymptotic series
 * 1/x + 1/(2x²) + Σ B_2k / x^(2k+1) (relative error below 1e-15 there).
 */
export function trigamma(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x === Infinity ? 0 : x;
  if (!(x > 0)) throw new RangeError(`trigamma needs x > 0, got ${x}`);
  let shift = 0;
  for (; x < 10; x++) shift += 1 / (x * x);
  const w = 1 / (x * x);
  // B_2k for k = 1…7, by Horner in 1/x².
  const series = w * (1 / 6 + w * (-1 / 30 + w * (1 / 42 + w * (-1 / 30 + w * (5 / 66 + w * (-691 / 2730 + w * (7 / 6)))))));
  return (1 + 0.5 / x + series) / x + shift;
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** log(e^x + e^y) without overflow; −∞ stands for a zero term. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  if (m === Infinity) return Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/**
 * log(e^x − e^y) for x ≥ y. A difference that is not positive (x ≤ y, which for the models only
 * happens by rounding when the two terms are equal) gives −∞, i.e. a zero term, never NaN.
 */
export function logSubExp(x: number, y: number): number {
  if (y === -Infinity) return x;
  if (!(x > y)) return -Infinity;
  return x + log1mExp(y - x);
}

/** log(1 − e^a) for a ≤ 0, accurate at both ends (Mächler's switch at −log 2). */
export function log1mExp(a: number): number {
  if (a > 0) throw new RangeError(`log1mExp needs a ≤ 0, got ${a}`);
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** log Σ e^{x_i}; −∞ for an empty list. */
export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** A real number as sign · e^log, so that huge and tiny values survive. */
export interface SignedLog {
  readonly sign: -1 | 0 | 1;
  readonly log: number;
}

const LOG_RESCALE = 250 * Math.LN10;
const RESCALE = 1e-250;
const EPS = 1e-17;
/** Terms one series may take before we call it non-convergent (a few ms of work). */
const MAX_TERMS = 200_000;
/** Terms the series gets above z = 0.75 before continuation takes over. */
const QUICK_TERMS = 400;
/** Continuation: steps allowed, and how far one step may go in units of the fastest local rate. */
const MAX_STEPS = 20_000;
const STEP_RATE = 6;
/** Above this z the Maclaurin series is replaced by analytic continuation (when it applies). */
const CONTINUE_ABOVE = 0.75;

/**
 * 2F1(a, b; c; z) as a signed logarithm, for any real a, b, c (c not 0, −1, −2, …) and z < 1.
 *
 * - z < 0 goes to (0, 1) by Pfaff's transformation.
 * - When c − a and c − b are both ≥ 0 and together smaller than a + b, Euler's transformation
 *   2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z) is used: its series has a smaller hump (for
 *   the Pareto/NBD arguments none at all), and the power is applied in log space.
 * - z ≤ 0.75: the Maclaurin series, term by term, rescaled whenever it nears overflow.
 * - z > 0.75 with a, b, c > 0: the series if it settles within 400 terms, else the series at 0.5
 *   and Taylor steps along the hypergeometric ODE, each at most half-way to the singularity at 1
 *   (all Taylor coefficients are positive there, so nothing cancels). That takes z = 1 − 1e-12 in
 *   ~60 short steps where the series would need ~10^13 terms.
 * Anything that does not converge throws a ModelError rather than returning NaN.
 */
export function signedLogHyp2f1(a: number, b: number, c: number, z: number): SignedLog {
  if (![a, b, c, z].every(Number.isFinite)) throw new ModelError(`2F1(${a}, ${b}; ${c}; ${z}) has a non-finite argument: the model parameters have overflowed. Refit with a penalizer (e.g. 0.001).`);
  if (c <= 0 && Number.isInteger(c)) throw new ModelError(`2F1(${a}, ${b}; ${c}; ${z}) is undefined (c is 0 or a negative integer). Perturb the parameters or refit with a penalizer.`);
  if (z >= 1) throw new ModelError(`2F1(${a}, ${b}; ${c}; ${z}) needs z < 1: a horizon or parameter this large is outside what the model can evaluate.`);
  if (z === 0 || a === 0 || b === 0) return { sign: 1, log: 0 };
  if (z < 0) {
    // Pfaff: 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)), argument now in (0, 1); of the
    // two symmetric forms take the one whose series has positive terms, if either has.
    const [p, q] = c - b >= 0 || c - a < 0 ? [a, b] : [b, a];
    const inner = signedLogHyp2f1(p, c - q, c, z / (z - 1));
    return { sign: inner.sign, log: inner.log - p * Math.log1p(-z) };
  }
  if (c - a >= 0 && c - b >= 0 && 2 * c - a - b < a + b) {
    const inner = positiveArg(c - a, c - b, c, z);
    return { sign: inner.sign, log: inner.log + (c - a - b) * Math.log1p(-z) };
  }
  return positiveArg(a, b, c, z);
}

/** 2F1 for 0 < z < 1. */
function positiveArg(a: number, b: number, c: number, z: number): SignedLog {
  if (z > CONTINUE_ABOVE && a > 0 && b > 0 && c > 0) {
    // The series still wins when its terms fall off fast (c well above a + b); try it briefly.
    return maclaurin(a, b, c, z, QUICK_TERMS) ?? continued(a, b, c, z);
  }
  if (z > CONTINUE_ABOVE && a > 0 && b > 0 && c > -1 && c < 0) {
    // −1 < c < 0 (BG/NBD with x = 0 and a + b < 1): no continuation for c < 0, so step c up with
    // Gauss's contiguous relation (DLMF 15.5.18) at c' = c + 1:
    //   c'(c'−1)(z−1) F(c'−1) + c'(c'−1 − (2c'−a−b−1) z) F(c') + (c'−a)(c'−b) z F(c'+1) = 0.
    const quick = maclaurin(a, b, c, z, QUICK_TERMS);
    if (quick) return quick;
    const cp = c + 1;
    const den = cp * c * (z - 1);
    const u = signedLogHyp2f1(a, b, cp, z);
    const v = signedLogHyp2f1(a, b, cp + 1, z);
    return signedSum(notConverged(a, b, c, z), [(-cp * (cp - 1 - (2 * cp - a - b - 1) * z)) / den, u], [(-(cp - a) * (cp - b) * z) / den, v]);
  }
  const r = maclaurin(a, b, c, z, MAX_TERMS);
  if (!r) throw notConverged(a, b, c, z);
  return r;
}

/** Σ k_i · F_i with the F_i as signed logs; `failure` is thrown when the sum cancels to noise. */
function signedSum(failure: ModelError, ...terms: [number, SignedLog][]): SignedLog {
  const logs = terms.map(([k, f]) => (k === 0 || f.sign === 0 ? -Infinity : Math.log(Math.abs(k)) + f.log));
  const top = Math.max(...logs);
  if (top === -Infinity) return { sign: 0, log: -Infinity };
  const sum = terms.reduce((acc, [k, f], i) => acc + Math.sign(k) * f.sign * Math.exp(logs[i]! - top), 0);
  if (!(Math.abs(sum) > 1e-5)) throw failure;
  return { sign: sum > 0 ? 1 : -1, log: top + Math.log(Math.abs(sum)) };
}

/**
 * Σ (a)_n (b)_n / ((c)_n n!) z^n, stopped by a bound on the tail; null when `budget` terms were
 * not enough. Throws when alternating terms cancel so much that fewer than ~11 digits survive.
 */
function maclaurin(a: number, b: number, c: number, z: number, budget: number): SignedLog | null {
  let term = 1;
  let sum = 1;
  // Σ of the terms after the leading 1, kept apart while nothing is rescaled: for small z the
  // function is 1 + tiny, and log(sum) would round the tiny part to a multiple of 2^−52 (callers
  // such as the BG/NBD expectation subtract logs that nearly cancel), where log1p(tail) keeps it.
  let tail = 0;
  let biggest = 1;
  let scale = 0;
  // Past this index no factor of the term ratio changes sign, so the ratios settle towards z.
  const settled = Math.max(0, -a, -b, -c);
  for (let n = 0; ; n++) {
    if (n >= budget) return null;
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    tail += term;
    if (term === 0) break; // a or b a non-positive integer: a polynomial
    if (Math.abs(term) > biggest) biggest = Math.abs(term);
    if (biggest > 1 / RESCALE || Math.abs(sum) > 1 / RESCALE) {
      sum *= RESCALE;
      term *= RESCALE;
      biggest *= RESCALE;
      scale += LOG_RESCALE;
    }
    const rho = Math.max(Math.abs(ratio), Math.abs(z));
    // Unscaled, the tail is what log1p sees, so it too needs EPS relative accuracy (a term or two
    // more when z is small); the floor keeps a tail that cancels to ~0 from running on.
    const target = scale === 0 ? Math.max(Math.min(Math.abs(sum), Math.abs(tail)), 1e-30 * Math.abs(sum)) : Math.abs(sum);
    if (n >= settled && rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= EPS * target) break;
  }
  if (!Number.isFinite(sum) || biggest > 1e5 * Math.abs(sum)) throw notConverged(a, b, c, z);
  if (scale === 0 && tail > -0.5) return { sign: 1, log: Math.log1p(tail) };
  return { sign: sum > 0 ? 1 : -1, log: Math.log(Math.abs(sum)) + scale };
}

/**
 * Analytic continuation for a, b, c > 0 and 0.75 < z < 1. The function w = 2F1 solves
 * z(1−z) w'' + (c − (a+b+1) z) w' − ab w = 0; around z0 its Taylor coefficients c_n obey
 * z0(1−z0)(n+2)(n+1) c_{n+2} = (n+a)(n+b) c_n − ((1−2 z0) n + c − (a+b+1) z0)(n+1) c_{n+1}.
 * A step goes at most half-way to the singularity at 1, and no further than a few units of the
 * ODE's fastest local rate: the other solution (singular at 0, steep when a, b or c is large)
 * then cannot amplify rounding errors. log w and w'/w are carried so nothing overflows.
 */
function continued(a: number, b: number, c: number, z: number): SignedLog {
  // Track the distance to 1, not z itself: 1 − z is exact for z ≥ 0.5 and stays so as it shrinks,
  // where z0 += h would lose all its digits near 1.
  const y = 1 - z;
  let y0 = 0.5;
  const w0 = maclaurin(a, b, c, 0.5, MAX_TERMS);
  const d0 = maclaurin(a + 1, b + 1, c + 1, 0.5, MAX_TERMS);
  if (!w0 || !d0) throw notConverged(a, b, c, z);
  let logW = w0.log;
  let ratio = Math.exp(Math.log((a * b) / c) + d0.log - logW);
  for (let step = 0; y0 > y; step++) {
    if (step > MAX_STEPS) throw notConverged(a, b, c, z);
    const z0 = 1 - y0;
    const p = z0 * y0;
    const q = 2 * y0 - 1;
    const e = c - (a + b + 1) * z0;
    // The largest |λ| of the local exponential solutions e^{λζ}: p λ² + e λ − ab = 0.
    const fastest = (Math.abs(e) + Math.sqrt(e * e + 4 * p * a * b)) / (2 * p);
    const h = Math.min(y0 - y, 0.5 * y0, STEP_RATE / fastest);
    const last = h === y0 - y;
    // u_n = c_n h^n / w(z0): u_0 = 1, u_1 = h w'/w.
    let u0 = 1;
    let u1 = ratio * h;
    let sum = u0 + u1;
    let dsum = u1; // Σ n u_n = h w'(z0+h) / w(z0)
    let scale = 0;
    for (let n = 0; ; n++) {
      if (n > MAX_TERMS) throw notConverged(a, b, c, z);
      const u2 = ((n + a) * (n + b) * h * h * u0 - (q * n + e) * (n + 1) * h * u1) / (p * (n + 2) * (n + 1));
      sum += u2;
      dsum += (n + 2) * u2;
      const r = u1 !== 0 ? Math.abs(u2 / u1) : 0;
      u0 = u1;
      u1 = u2;
      if (sum > 1 / RESCALE) {
        sum *= RESCALE;
        dsum *= RESCALE;
        u0 *= RESCALE;
        u1 *= RESCALE;
        scale += LOG_RESCALE;
      }
      const rho = Math.max(r, h / y0);
      if (n >= 2 && rho < 1 && (Math.abs(u2) * rho) / (1 - rho) <= EPS * sum) break;
    }
    if (!(sum > 0) || !Number.isFinite(dsum)) throw notConverged(a, b, c, z);
    logW += Math.log(sum) + scale;
    ratio = dsum / sum / h;
    y0 = last ? y : y0 - h;
  }
  return { sign: 1, log: logW };
}

function notConverged(a: number, b: number, c: number, z: number): ModelError {
  return new ModelError(
    `The hypergeometric function 2F1(${a}, ${b}; ${c}; ${z}) did not converge. The horizon is too long or the parameters too extreme for this model; shorten the horizon or refit with a penalizer (e.g. 0.001).`,
  );
}

/**
 * log 2F1(1, b; c; z) for 0 < b < c and 0 ≤ z < 1 — the form the Pareto/NBD likelihood reduces to
 * after Euler's transformation (other arguments go to the general routine). Above z = 0.5 it uses
 * the continued fraction of the incomplete beta function (B_z(p, q) = z^p (1−z)^q / p ·
 * 2F1(p+q, 1; p+1; z)), evaluated by modified Lentz: tens of levels where the series needs
 * hundreds of terms. If even that is slow (z within ~1e-6 of 1) the general routine's analytic
 * continuation takes over.
 */
export function logHyp2f1Unit(b: number, c: number, z: number): number {
  // The fraction converges to the wrong value when b ≫ c, so only b < c (all the model needs).
  if (!(b > 0 && b < c && z > 0.5 && z < 1)) return logHyp2f1(1, b, c, z);
  // In the incomplete-beta notation p = c − 1, p + q = b.
  const p = c - 1;
  const q = b - c + 1;
  const TINY = 1e-300;
  let f = 1;
  let C = 1;
  let D = 0;
  for (let j = 1; j <= CF_LEVELS; j++) {
    const m = j >> 1;
    const d = j % 2 === 1 ? (-(p + m) * (p + q + m) * z) / ((p + 2 * m) * (p + 2 * m + 1)) : (m * (q - m) * z) / ((p + 2 * m - 1) * (p + 2 * m));
    D = 1 + d * D;
    if (Math.abs(D) < TINY) D = TINY;
    C = 1 + d / C;
    if (Math.abs(C) < TINY) C = TINY;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) <= 3e-16) return f > 0 ? -Math.log(f) : logHyp2f1(1, b, c, z);
  }
  return logHyp2f1(1, b, c, z);
}

/** Continued-fraction levels logHyp2f1Unit tries before handing over. */
const CF_LEVELS = 3000;

/** 2F1(a, b; c; z) as a plain number (±Infinity if it overflows a double). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const r = signedLogHyp2f1(a, b, c, z);
  return r.sign * Math.exp(r.log);
}

/** log 2F1(a, b; c; z) for arguments where the function is positive (e.g. a, b, c > 0, 0 ≤ z < 1). */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  const r = signedLogHyp2f1(a, b, c, z);
  if (r.sign !== 1) throw new ModelError(`2F1(${a}, ${b}; ${c}; ${z}) is not positive, so it has no logarithm; the parameters are outside the model's range.`);
  return r.log;
}
