/**
 * Unconstrained minimisation for the model fits: BFGS with a backtracking (Armijo) line search on
 * analytic gradients where the model has them (BG/NBD, Gamma-Gamma) and finite differences
 * otherwise (Pareto/NBD), from several starting points, with Nelder–Mead as the fallback when no
 * BFGS run converges; Newton's method with the exact Hessian polishes where a model has one
 * (Gamma-Gamma). The fits minimise over log-parameters, so positivity is free.
 *
 * A non-finite objective value (overflow, a parameter out of range) counts as +∞: the line search
 * backs off from it instead of letting NaN into the iterate. Coordinates beyond ±`bound` count as
 * +∞ too, so a parameter that the data do not pin down cannot run off to infinity unnoticed.
 */
import { ModelError } from './errors.js';

/** What every fit accepts. */
export interface FitOptions {
  /** L2 penalty coefficient on the parameters, as `lifetimes`' penalizer_coef (default 0). */
  readonly penalizer?: number;
}

/**
 * Above this many distinct rows a fit explores its starting points on a thinned sample of about
 * this size and polishes only the best on all rows (see `minimize`'s `coarse`).
 */
export const COARSE_ROWS = 50_000;

/** The penalizer, checked. */
export function penalizerOf(o: FitOptions, what: string): number {
  const pen = o.penalizer ?? 0;
  if (!(pen >= 0) || !Number.isFinite(pen)) throw new ModelError(`${what}: penalizer ${pen} must be a finite number ≥ 0 (0 for none, e.g. 0.001 for a light one).`);
  return pen;
}

export type Objective = (x: readonly number[]) => number;

export interface MinimizeResult {
  readonly x: number[];
  readonly value: number;
  /** BFGS's inverse-Hessian estimate at x (a warm start for polishing the same minimum). */
  readonly inverseHessian?: number[][];
  /** Iterations over all runs (BFGS iterations, Nelder–Mead steps). */
  readonly iterations: number;
  readonly converged: boolean;
}

export interface MinimizeOptions {
  /** Stop when every gradient component is below this (default 1e-7). */
  gradientTolerance?: number;
  /** Iterations per BFGS run (default 200); Nelder–Mead gets this many per coordinate (default 250). */
  maxIterations?: number;
  /** |x_i| above this counts as +∞ (default 30, i.e. e^±30 for log-parameters). */
  bound?: number;
  /** The analytic gradient, if known; finite differences otherwise (and wherever it is not finite). */
  gradient?: (x: readonly number[]) => number[];
  /** BFGS's starting inverse Hessian (default: identity, scaled after the first step). */
  inverseHessian?: number[][];
  /** The analytic Hessian, if known: `minimize` then polishes with Newton's method. */
  hessian?: (x: readonly number[]) => number[][];
}

/**
 * An objective that yields its gradient (and Hessian, if it has one) in the same pass (the
 * likelihoods share their costly terms), split into the functions the optimiser calls: BFGS and
 * Newton ask for the derivatives at the point whose value they have just accepted, so those of the
 * last evaluation are kept and handed out without a second pass.
 */
export function fromValueAndGradient(fg: (x: readonly number[]) => { value: number; gradient: number[]; hessian?: number[][] }): {
  f: Objective;
  gradient: (x: readonly number[]) => number[];
  hessian: (x: readonly number[]) => number[][];
} {
  let lastX: readonly number[] | null = null;
  let last: ReturnType<typeof fg> = { value: NaN, gradient: [] };
  const f: Objective = (x) => {
    last = fg(x);
    lastX = [...x];
    return last.value;
  };
  const at = (x: readonly number[]) => {
    if (!lastX || lastX.some((v, i) => v !== x[i])) f(x);
    return last;
  };
  return { f, gradient: (x) => at(x).gradient, hessian: (x) => at(x).hessian ?? [] };
}

/**
 * f with non-finite values, out-of-bound points and ModelErrors (a special function that cannot be
 * evaluated at such extreme parameters) mapped to +∞: the search steps back from them.
 */
function guarded(f: Objective, bound: number): Objective {
  return (x) => {
    for (const v of x) if (!(Math.abs(v) <= bound)) return Infinity;
    let y: number;
    try {
      y = f(x);
    } catch (e) {
      if (e instanceof ModelError) return Infinity;
      throw e;
    }
    return Number.isFinite(y) ? y : Infinity;
  };
}

/**
 * Finite-difference gradient. Central differences (step ~ε^(1/3), error ~1e-10 for smooth O(1)
 * objectives) by default; forward differences (half the evaluations, error ~1e-8) when `forward`,
 * which BFGS uses while the gradient is still large. A side that is +∞ falls back to the other
 * one-sided difference; both sides infinite gives a zero component, which the line search will not
 * trust.
 */
export function numericGradient(f: Objective, x: readonly number[], fx: number, forward = false): number[] {
  const g = new Array<number>(x.length);
  const y = [...x];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const h = (forward ? 1.5e-8 : 6e-6) * Math.max(1, Math.abs(xi));
    y[i] = xi + h;
    const up = f(y);
    if (forward && Number.isFinite(up)) {
      y[i] = xi;
      g[i] = (up - fx) / h;
      continue;
    }
    y[i] = xi - h;
    const down = f(y);
    y[i] = xi;
    if (Number.isFinite(up) && Number.isFinite(down)) g[i] = (up - down) / (2 * h);
    else if (Number.isFinite(up)) g[i] = (up - fx) / h;
    else if (Number.isFinite(down)) g[i] = (fx - down) / h;
    else g[i] = 0;
  }
  return g;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const maxAbs = (a: readonly number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** One BFGS run (inverse-Hessian form) from x0. */
export function minimizeBfgs(f: Objective, x0: readonly number[], o: MinimizeOptions = {}): MinimizeResult {
  const gtol = o.gradientTolerance ?? 1e-7;
  const maxIter = o.maxIterations ?? 200;
  const F = guarded(f, o.bound ?? 30);
  const n = x0.length;
  const identity = (): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let x = [...x0];
  let fx = F(x);
  if (!Number.isFinite(fx)) return { x, value: Infinity, iterations: 0, converged: false };
  // Forward differences while far from a minimum, central ones for the final approach.
  const grad = (at: readonly number[], value: number, last: readonly number[] | null) => {
    const exact = o.gradient?.(at);
    if (exact && exact.every(Number.isFinite)) return exact;
    return numericGradient(F, at, value, last !== null && maxAbs(last) > 1e-2);
  };
  let g = grad(x, fx, null);
  let H = o.inverseHessian?.map((row) => [...row]) ?? identity();
  let fresh = !o.inverseHessian;
  let flat = 0;
  for (let it = 1; it <= maxIter; it++) {
    if (maxAbs(g) <= gtol) return { x, value: fx, iterations: it - 1, converged: true, inverseHessian: H };
    let p = H.map((row) => -dot(row, g));
    let slope = dot(g, p);
    if (!(slope < 0)) {
      H = identity();
      fresh = true;
      p = g.map((v) => -v);
      slope = -dot(g, g);
    }
    // A fresh (identity) metric knows nothing of the scale: keep the first trial step short.
    let t = fresh ? Math.min(1, 1 / Math.max(maxAbs(p), 1e-12)) : 1;
    let xn: number[] = x;
    let fn = Infinity;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      xn = x.map((v, i) => v + t * p[i]!);
      fn = F(xn);
      if (fn <= fx + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the step, kept within [0.1, 0.5] of the last one.
      const q = Number.isFinite(fn) ? (-slope * t * t) / (2 * (fn - fx - slope * t)) : 0.1 * t;
      t = Math.min(0.5 * t, Math.max(0.1 * t, q));
    }
    if (!accepted) {
      if (!fresh) {
        H = identity();
        fresh = true;
        continue;
      }
      // No descent along the gradient: a minimum as precise as the finite differences allow.
      return { x, value: fx, iterations: it, converged: maxAbs(g) <= 1e3 * gtol };
    }
    let gn = grad(xn, fn, g);
    if (!o.gradient && maxAbs(gn) <= 1e-2 && maxAbs(g) > 1e-2) gn = grad(xn, fn, null);
    const s = xn.map((v, i) => v - x[i]!);
    const y = gn.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (fresh) {
        // Shanno–Phua scaling of the first metric.
        const scale = sy / dot(y, y);
        H = H.map((row) => row.map((v) => v * scale));
      }
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      const rho = 1 / sy;
      H = H.map((row, i) => row.map((v, j) => v - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!));
      fresh = false;
    }
    // Progress stalled at rounding level for a few iterations: as converged as it gets.
    flat = fx - fn <= 1e-14 * (1 + Math.abs(fx)) ? flat + 1 : 0;
    x = xn;
    fx = fn;
    g = gn;
    if (flat >= 3) return { x, value: fx, iterations: it, converged: maxAbs(g) <= 1e3 * gtol, inverseHessian: H };
  }
  return { x, value: fx, iterations: maxIter, converged: maxAbs(g) <= gtol };
}

/**
 * x solving A x = b for a symmetric positive definite A (Cholesky); null when A is not positive
 * definite (or not finite).
 */
function choleskySolve(A: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i]![j]!;
      for (let k = 0; k < j; k++) sum -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) return null;
        L[i]![i] = Math.sqrt(sum);
      } else L[i]![j] = sum / L[j]![j]!;
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= L[i]![k]! * y[k]!;
    y[i] = sum / L[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= L[k]![i]! * x[k]!;
    x[i] = sum / L[i]![i]!;
  }
  return x.every(Number.isFinite) ? x : null;
}

/**
 * Newton's method with the exact gradient and Hessian from x0, with a backtracking line search;
 * where the Hessian is not positive definite it is shifted towards the identity (Levenberg) until
 * it is. Near a minimum it converges quadratically, so polishing a fit started close by takes a
 * handful of evaluations where BFGS's secant updates need tens, and it lands on the minimum to the
 * precision of the gradient rather than stopping wherever the tolerance is first met — a fit's
 * parameters then do not depend on the path (e.g. on last-bit differences in the data's sums).
 */
export function minimizeNewton(f: Objective, x0: readonly number[], o: MinimizeOptions & { gradient: (x: readonly number[]) => number[]; hessian: (x: readonly number[]) => number[][] }): MinimizeResult {
  const gtol = o.gradientTolerance ?? 1e-7;
  const maxIter = o.maxIterations ?? 50;
  const F = guarded(f, o.bound ?? 30);
  let x = [...x0];
  let fx = F(x);
  if (!Number.isFinite(fx)) return { x, value: Infinity, iterations: 0, converged: false };
  let g = o.gradient(x);
  let flat = 0;
  for (let it = 1; it <= maxIter; it++) {
    const H = o.hessian(x);
    if (!g.every(Number.isFinite) || H.length !== x.length) return { x, value: fx, iterations: it - 1, converged: false };
    let p: number[] | null = null;
    for (let shift = 0; !p && shift < 1e12; shift = shift ? shift * 10 : 1e-8 * (1 + maxAbs(H.map((row, i) => row[i]!)))) {
      p = choleskySolve(
        H.map((row, i) => row.map((v, j) => (i === j ? v + shift : v))),
        g.map((v) => -v),
      );
    }
    if (!p) return { x, value: fx, iterations: it - 1, converged: false };
    const slope = dot(g, p);
    // Converged: the gradient is within tolerance and the step is at the last digits of x.
    if (maxAbs(g) <= gtol && maxAbs(p) <= 1e-10 * (1 + maxAbs(x))) return { x, value: fx, iterations: it - 1, converged: true };
    // A step whose predicted decrease (−g·p/2) is below the value's rounding is taken whole if the
    // value does not rise; backtracking there would only chase rounding.
    const rounding = 1e-15 * (1 + Math.abs(fx));
    const belowRounding = -slope <= rounding;
    let t = 1;
    let xn = x;
    let fn = Infinity;
    let accepted = false;
    for (let k = 0; k < (belowRounding ? 1 : 40) && !accepted; k++, t *= 0.5) {
      xn = x.map((v, i) => v + t * p![i]!);
      fn = F(xn);
      accepted = belowRounding ? fn <= fx : fn <= fx + 1e-4 * t * slope;
    }
    if (!accepted) return { x, value: fx, iterations: it, converged: maxAbs(g) <= gtol };
    // Steps that gain nothing beyond rounding (the gradient's own rounding can keep proposing
    // them, and a step too short to change the value passes Armijo's test): a few, then stop.
    flat = fx - fn <= rounding ? flat + 1 : 0;
    x = xn;
    fx = fn;
    g = o.gradient(x);
    if (flat >= 3) return { x, value: fx, iterations: it, converged: maxAbs(g) <= gtol };
  }
  return { x, value: fx, iterations: maxIter, converged: maxAbs(g) <= gtol };
}

/** Nelder–Mead (adaptive coefficients, Gao & Han 2012) from x0 with an initial simplex of `step`. */
export function minimizeNelderMead(f: Objective, x0: readonly number[], o: MinimizeOptions & { step?: number } = {}): MinimizeResult {
  const F = guarded(f, o.bound ?? 30);
  const n = x0.length;
  const maxIter = o.maxIterations ? o.maxIterations * n : 250 * n;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  const step = o.step ?? 0.5;
  let simplex = [[...x0], ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))];
  let values = simplex.map(F);
  for (let it = 1; it <= maxIter; it++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const best = values[0]!;
    const worst = values[n]!;
    const size = Math.max(...simplex.slice(1).map((p) => maxAbs(p.map((v, i) => v - simplex[0]![i]!))));
    if (Number.isFinite(worst) && worst - best <= 1e-12 * (1 + Math.abs(best)) && size <= 1e-8) {
      return { x: simplex[0]!, value: best, iterations: it, converged: true };
    }
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n);
    const towards = (coef: number) => centroid.map((c, j) => c + coef * (c - simplex[n]![j]!));
    const xr = towards(alpha);
    const fr = F(xr);
    if (fr < best) {
      const xe = towards(beta);
      const fe = F(xe);
      [simplex[n], values[n]] = fe < fr ? [xe, fe] : [xr, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [xr, fr];
    } else {
      const outside = fr < worst;
      const xc = towards(outside ? gamma : -gamma);
      const fc = F(xc);
      if (fc < (outside ? fr : worst)) [simplex[n], values[n]] = [xc, fc];
      else {
        simplex = simplex.map((p, i) => (i === 0 ? p : p.map((v, j) => simplex[0]![j]! + delta * (v - simplex[0]![j]!))));
        values = simplex.map((p, i) => (i === 0 ? values[0]! : F(p)));
      }
    }
  }
  const i = values.indexOf(Math.min(...values));
  return { x: simplex[i]!, value: values[i]!, iterations: maxIter, converged: false };
}

/** What `minimize` takes besides the options of one run: parameter names for messages, a budget, a coarse objective, edges. */
export type MinimizeRunOptions = MinimizeOptions & { names?: readonly string[]; maxEvaluations?: number; coarse?: Coarse; edges?: readonly Edge[] };

/** A cheap approximation of the objective (a thinned sample of a large data set) to explore starts on. */
export interface Coarse {
  readonly f: Objective;
  readonly gradient?: (x: readonly number[]) => number[];
}

/**
 * A side of a coordinate where the model has a limit of its own, so that a run out to it is a
 * boundary maximum the caller reports rather than a parameter the data do not identify: BG/NBD's
 * a → 0 or b → ∞ is the model without dropout.
 */
export interface Edge {
  readonly index: number;
  readonly side: 'low' | 'high';
}

/** The edges that x lies on: coordinates beyond ±at on their edge's side. */
export function edgesReached(x: readonly number[], edges: readonly Edge[], at: number): Edge[] {
  return edges.filter((e) => (e.side === 'low' ? x[e.index]! < -at : x[e.index]! > at));
}

/**
 * `minimize`, made to reach the maximum when its best point runs out to an edge: the likelihood
 * may also have an interior maximum, higher, that no start led to (BG/NBD on real data). Then the
 * objective is evaluated at the `probes` (interior points the caller picks across the edge
 * parameters' range) and `minimize` restarts from the best few; the lower of the two ends is kept.
 * `boundary` lists the edges the result lies on (beyond ±`at`): those where the maximum really is.
 */
export function minimizeToMaximum(
  f: Objective,
  starts: readonly (readonly number[])[],
  what: string,
  o: MinimizeRunOptions & { edges: readonly Edge[]; probes: readonly (readonly number[])[]; at: number },
): MinimizeResult & { boundary: Edge[] } {
  const first = minimize(f, starts, what, o);
  if (!edgesReached(first.x, o.edges, o.at).length) return { ...first, boundary: [] };
  // Probes on the thinned sample where there is one: they only rank restarts.
  const probe = o.coarse?.f ?? f;
  const ranked = o.probes
    .map((x) => ({ x, value: probe(x) }))
    .filter((p) => Number.isFinite(p.value))
    .sort((p, q) => p.value - q.value)
    .slice(0, RESTARTS);
  let best = first;
  let iterations = first.iterations;
  if (ranked.length) {
    try {
      const again = minimize(f, ranked.map((p) => p.x), what, o);
      iterations += again.iterations;
      if (again.value < best.value) best = again;
    } catch (e) {
      // The first result stands: it converged, the restarts did not.
      if (!(e instanceof ModelError)) throw e;
    }
  }
  return { ...best, iterations, boundary: edgesReached(best.x, o.edges, o.at) };
}

/** Restarts from the best probes when a fit's best point lies on an edge. */
const RESTARTS = 3;

/** Thrown through the runs when `minimize` has used up its evaluations. */
class OutOfBudget extends Error {}

/**
 * Minimise from several starting points and keep the best. BFGS runs first (then Newton from the
 * best end point, where the Hessian is known); if none converges, Nelder–Mead restarts from the
 * best point found and BFGS polishes its result. Throws a ModelError
 * naming `what` when the best point runs out towards the bound (a parameter the data do not
 * identify; see assertInterior), when nothing converges to a finite value, or when the objective
 * has been evaluated `maxEvaluations` times (default 5000; a healthy fit needs a few hundred) —
 * so a flat likelihood on a large data set costs bounded time, not a hang.
 */
export function minimize(
  f: Objective,
  starts: readonly (readonly number[])[],
  what: string,
  o: MinimizeRunOptions = {},
): MinimizeResult {
  const budget = o.maxEvaluations ?? 5000;
  let evaluations = 0;
  const counted: Objective = (x) => {
    if (++evaluations > budget) throw new OutOfBudget();
    return f(x);
  };
  const names = o.names ?? [];
  let iterations = 0;
  let best: MinimizeResult | null = null;
  // Within this of the lowest value, a converged run is preferred (on a ridge an unconverged run
  // creeps lower forever by amounts that mean nothing).
  const close = (v: number) => 1e-6 * (1 + Math.abs(v));
  const consider = (r: MinimizeResult) => {
    iterations += r.iterations;
    if (!Number.isFinite(r.value)) return;
    if (!best) best = r;
    else if (r.converged === best.converged ? r.value < best.value : r.converged ? r.value <= best.value + close(best.value) : r.value < best.value - close(best.value)) best = r;
  };
  const notConverged = () =>
    new ModelError(
      `${what}: the likelihood maximisation did not converge from any starting point. The data may not identify the model (too few customers or repeat purchases); add data, lengthen the calibration period, or fit with a small penalizer (e.g. 0.001).`,
    );
  // Newton from a point, where the Hessian is known.
  const { gradient, hessian } = o;
  const newtonFrom = (x: readonly number[]) => (gradient && hessian ? minimizeNewton(counted, x, { ...o, gradient, hessian }) : undefined);
  try {
    // With a cheap approximation (a thinned sample of a large data set), the starts are explored on
    // it and only the best end point is polished on f; if that polish fails, every start runs on f.
    let polished = false;
    if (o.coarse) {
      const { coarse } = o;
      const explored = starts.map((x0) => minimizeBfgs(coarse.f, x0, { ...o, gradient: coarse.gradient }));
      iterations += explored.reduce((s, r) => s + r.iterations, 0);
      const seed = explored.filter((r) => Number.isFinite(r.value)).sort((a, b) => Number(b.converged) - Number(a.converged) || a.value - b.value)[0];
      if (seed) {
        // Newton where the Hessian is known; else BFGS, the sample's curvature (the full data's,
        // scaled) its start.
        const newton = newtonFrom(seed.x);
        const r = newton?.converged ? newton : minimizeBfgs(counted, seed.x, { ...o, inverseHessian: seed.inverseHessian });
        if (newton && r !== newton) iterations += newton.iterations;
        consider(r);
        polished = r.converged;
      }
    }
    if (!polished) {
      for (const x0 of starts) consider(minimizeBfgs(counted, x0, o));
      // Newton from the best end point, where the Hessian is known: to the minimum itself.
      const found = best as MinimizeResult | null;
      const newton = found?.converged ? newtonFrom(found.x) : undefined;
      if (found && newton) {
        if (newton.converged && newton.value <= found.value) best = newton;
        iterations += newton.iterations;
      }
    }
    const current = best as MinimizeResult | null;
    // Out towards the bound already (unconverged and past e^±15): no other method will find an
    // interior minimum that BFGS missed.
    if (current) assertInterior(current.x, names, what, current.converged ? 20 : 15, o.edges);
    if (!current?.converged) {
      const from = current?.x ?? starts[0];
      if (from) {
        const nm = minimizeNelderMead(counted, from, o);
        consider(nm);
        if (Number.isFinite(nm.value)) consider(minimizeBfgs(counted, nm.x, o));
      }
    }
  } catch (e) {
    if (!(e instanceof OutOfBudget)) throw e;
    const sofar = best as MinimizeResult | null;
    if (!sofar?.converged) throw notConverged();
  }
  const result = best as MinimizeResult | null;
  if (result) assertInterior(result.x, names, what, result.converged ? 20 : 15, o.edges);
  if (!result || !result.converged) throw notConverged();
  return { ...result, iterations };
}

/** The Hessian by central differences (for standard errors and curvature checks in tests). */
export function numericHessian(f: Objective, x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const at = (di: number, dj: number, i: number, j: number) => f(x.map((v, k) => v + (k === i ? di : 0) + (k === j ? dj : 0)));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (at(h, h, i, j) - at(h, -h, i, j) - at(-h, h, i, j) + at(-h, -h, i, j)) / (4 * h * h)),
  );
}

/**
 * Refuse a fit in which a log-parameter ran out towards the search bound: the likelihood keeps
 * improving as the parameter goes to 0 or ∞, i.e. the data do not identify it. (An L2 penalizer
 * pulls parameters towards 0, so it is the remedy only for a run towards ∞.)
 */
export function assertInterior(x: readonly number[], names: readonly string[], what: string, limit = 20, edges: readonly Edge[] = []): void {
  x.forEach((v, i) => {
    if (Math.abs(v) > limit && !edges.some((e) => e.index === i && (e.side === 'low') === v < 0)) {
      const remedy = v > 0 ? 'Fit with a small penalizer (e.g. 0.001), a longer calibration period or more customers.' : 'Use a longer calibration period or more customers.';
      throw new ModelError(`${what}: parameter ${names[i] ?? `#${i + 1}`} ran off towards ${v > 0 ? 'infinity' : 'zero'} (${Math.exp(v).toExponential(2)}), so the data do not identify it. ${remedy}`);
    }
  });
}
