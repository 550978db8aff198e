/** The minimiser on functions whose minima are known, including ones that misbehave. */
import { describe, expect, it } from 'vitest';
import { minimize, minimizeBfgs, minimizeNelderMead, minimizeNewton, numericGradient, numericHessian } from '../src/models/optimize.js';

const rosenbrock = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;

describe('BFGS and Nelder–Mead', () => {
  it('find the Rosenbrock minimum (1, 1) from the classic start', () => {
    const b = minimizeBfgs(rosenbrock, [-1.2, 1]);
    expect(b.converged).toBe(true);
    expect(b.x[0]).toBeCloseTo(1, 5);
    expect(b.x[1]).toBeCloseTo(1, 5);
    const n = minimizeNelderMead(rosenbrock, [-1.2, 1], { maxIterations: 1000 });
    expect(n.converged).toBe(true);
    expect(n.x[0]).toBeCloseTo(1, 4);
  });

  it('use an analytic gradient when given one', () => {
    // f = Σ (i+1)(x_i − i)²: minimum at x_i = i.
    const f = (x: readonly number[]) => x.reduce((s, v, i) => s + (i + 1) * (v - i) ** 2, 0);
    const gradient = (x: readonly number[]) => x.map((v, i) => 2 * (i + 1) * (v - i));
    const r = minimizeBfgs(f, [5, 5, 5, 5], { gradient });
    expect(r.converged).toBe(true);
    r.x.forEach((v, i) => expect(v).toBeCloseTo(i, 7));
  });

  it('back off from NaN and ±∞ instead of carrying them into the iterate', () => {
    // (x − 1) − 0.01 log(x − 1): minimum at x = 1.01, NaN for x < 1 — a wall the secant steps hit.
    let intoTheWall = 0;
    const f = (x: readonly number[]) => {
      if (x[0]! < 1) intoTheWall++;
      return x[0]! - 1 - 0.01 * Math.log(x[0]! - 1);
    };
    const r = minimizeBfgs(f, [5]);
    expect(intoTheWall).toBeGreaterThan(0);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1.01, 6);
    expect(Number.isFinite(r.value)).toBe(true);
  });

  it('keep the best of several starts (a double well)', () => {
    // Minima near x = −1 (value ≈ −0.3) and x = +1 (value ≈ +0.3).
    const f = (x: readonly number[]) => (x[0]! ** 2 - 1) ** 2 + 0.3 * x[0]!;
    const r = minimize(f, [[2], [-2]], 'double well');
    expect(r.x[0]).toBeLessThan(0);
    expect(r.value).toBeLessThan(-0.2);
  });
});

describe('Newton', () => {
  // Rosenbrock's exact derivatives.
  const gradient = (x: readonly number[]) => [-400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!), 200 * (x[1]! - x[0]! ** 2)];
  const hessian = (x: readonly number[]) => [
    [1200 * x[0]! ** 2 - 400 * x[1]! + 2, -400 * x[0]!],
    [-400 * x[0]!, 200],
  ];

  it('converges quadratically near the minimum: a few steps, to the last digits', () => {
    const r = minimizeNewton(rosenbrock, [1.1, 1.2], { gradient, hessian });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(8);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-12);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-12);
  });

  it('shifts a Hessian that is not positive definite and still descends (the classic start)', () => {
    // At (−1.2, 1) the Hessian is positive definite, but the path crosses regions where it is not.
    expect(hessian([0, 1])[0]![0]).toBeLessThan(0);
    const r = minimizeNewton(rosenbrock, [0, 1], { gradient, hessian, maxIterations: 200 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 10);
  });

  it('polishes minimize\'s best BFGS end point when given the Hessian', () => {
    const r = minimize(rosenbrock, [[-1.2, 1]], 'Rosenbrock', { gradient, hessian });
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-12);
    const plain = minimize(rosenbrock, [[-1.2, 1]], 'Rosenbrock', { gradient });
    expect(Math.abs(plain.x[0]! - 1)).toBeGreaterThan(Math.abs(r.x[0]! - 1));
  });
});

describe('finite differences', () => {
  it('gradient and Hessian of a known quadratic form', () => {
    const f = (x: readonly number[]) => 3 * x[0]! ** 2 + 2 * x[0]! * x[1]! + x[1]! ** 2 - x[0]!;
    const at = [0.4, -1.3];
    const g = numericGradient(f, at, f(at));
    expect(g[0]).toBeCloseTo(6 * 0.4 + 2 * -1.3 - 1, 8);
    expect(g[1]).toBeCloseTo(2 * 0.4 + 2 * -1.3, 8);
    const h = numericHessian(f, at);
    expect(h[0]![0]).toBeCloseTo(6, 5);
    expect(h[0]![1]).toBeCloseTo(2, 5);
    expect(h[1]![1]).toBeCloseTo(2, 5);
  });
});
