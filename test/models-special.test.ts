/** Special functions against values worked out here by other routes (factorials, closed forms). */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../src/models/errors.js';
import { digamma, trigamma, hyp2f1, log1mExp, logAddExp, logBeta, logGamma, logHyp2f1, logHyp2f1Unit, logSubExp, logSumExp, signedLogHyp2f1 } from '../src/models/special.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('logGamma and logBeta', () => {
  it('log Γ(n) = log((n−1)!) for n = 1…170', () => {
    let logFact = 0; // log((n−1)!) as a running sum of logs
    for (let n = 1; n <= 170; n++) {
      if (n > 1) logFact += Math.log(n - 1);
      if (n <= 2) expect(Math.abs(logGamma(n))).toBeLessThan(1e-14);
      else expect(rel(logGamma(n), logFact)).toBeLessThan(1e-13);
    }
  });

  it('half-integers: Γ(1/2) = √π and Γ(n + 1/2) = (2n)! √π / (4^n n!)', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    for (let n = 1; n <= 60; n++) {
      let logv = 0.5 * Math.log(Math.PI) - n * Math.log(4);
      for (let k = n + 1; k <= 2 * n; k++) logv += Math.log(k); // (2n)!/n!
      expect(rel(logGamma(n + 0.5), logv)).toBeLessThan(1e-13);
    }
  });

  it('the recurrence log Γ(x+1) = log Γ(x) + log x across the shift boundary and for tiny and huge x', () => {
    for (const x of [1e-12, 1e-3, 0.3, 1.7, 9.5, 9.999, 10, 10.5, 123.4, 1e6, 1e12]) {
      const lhs = logGamma(x + 1);
      const rhs = logGamma(x) + Math.log(x);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13 * Math.max(1, Math.abs(lhs)));
    }
  });

  it('log B(a, b) = log(a!b!/(a+b+1)!) for integers', () => {
    // B(3, 4) = Γ(3)Γ(4)/Γ(7) = 2·6/720
    expect(logBeta(3, 4)).toBeCloseTo(Math.log(12 / 720), 14);
    expect(logBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
  });

  it('digamma: ψ(1) = −γ, ψ(n) = −γ + H(n−1), ψ(1/2) = −γ − 2 log 2', () => {
    const eulerGamma = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 14);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.LN2, 14);
    let h = 0;
    for (let n = 2; n <= 50; n++) {
      h += 1 / (n - 1);
      expect(digamma(n)).toBeCloseTo(-eulerGamma + h, 13);
    }
  });

  it('trigamma: ψ′(1) = π²/6, ψ′(n) = π²/6 − Σ 1/k², ψ′(1/2) = π²/2, and the derivative of digamma', () => {
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 14);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 13);
    let s = 0;
    for (let n = 2; n <= 50; n++) {
      s += 1 / (n - 1) ** 2;
      expect(trigamma(n)).toBeCloseTo(Math.PI ** 2 / 6 - s, 13);
    }
    // Away from the integers: a central difference of ψ (error ~h² ψ‴/6).
    for (const x of [0.01, 0.37, 3.3, 9.99, 10.01, 123.4, 5e4]) {
      const h = 1e-4 * x;
      expect(trigamma(x) / ((digamma(x + h) - digamma(x - h)) / (2 * h))).toBeCloseTo(1, 7);
    }
    expect(() => trigamma(0)).toThrow(RangeError);
  });

  it('rejects non-positive arguments rather than returning NaN', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1.5)).toThrow(RangeError);
  });
});

describe('log-sum-exp helpers', () => {
  it('adds and subtracts in log space without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 15);
    expect(logSubExp(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 15);
    // 2^−20 is exact in binary, so the difference is not blurred by rounding the inputs.
    expect(logSubExp(1000, 1000 - 2 ** -20)).toBeCloseTo(1000 + Math.log(-Math.expm1(-(2 ** -20))), 9);
    expect(logSubExp(2, 2)).toBe(-Infinity);
    expect(logSubExp(2, -Infinity)).toBe(2);
    expect(logSumExp([1000, 1000, 1000])).toBeCloseTo(1000 + Math.log(3), 12);
    expect(logSumExp([])).toBe(-Infinity);
    expect(log1mExp(-1e-20)).toBeCloseTo(Math.log(1e-20), 10);
    expect(log1mExp(-50)).toBeCloseTo(-Math.exp(-50), 30);
  });
});

describe('hypergeometric 2F1', () => {
  it('2F1(1, 1; 2; z) = −log(1 − z)/z, including z near 1 and z < 0', () => {
    for (const z of [-5, -0.9, -0.3, 1e-9, 0.1, 0.5, 0.74, 0.76, 0.9, 0.99, 0.999999, 1 - 1e-12]) {
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-12);
    }
  });

  it('2F1(a, b; b; z) = (1 − z)^−a, also when the value is astronomically large', () => {
    for (const [a, b, z] of [
      [0.3, 2.5, 0.4],
      [2.2, 0.7, 0.95],
      [7, 3, -0.5],
      [300, 12, 0.99],
      [1500, 40, 0.999],
    ] as const) {
      expect(rel(logHyp2f1(a, b, b, z), -a * Math.log1p(-z))).toBeLessThan(1e-12);
    }
  });

  it('arcsin and arctan: 2F1(½, ½; 3/2; x²) = asin(x)/x, 2F1(½, 1; 3/2; −x²) = atan(x)/x', () => {
    for (const x of [0.1, 0.5, 0.8, 0.95, 0.9999]) expect(rel(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-12);
    for (const x of [0.1, 1, 3, 30]) expect(rel(hyp2f1(0.5, 1, 1.5, -x * x), Math.atan(x) / x)).toBeLessThan(1e-12);
  });

  it('terminates as a polynomial for a negative integer a: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))', () => {
    const [b, c, z] = [1.5, 2.5, 0.7];
    expect(rel(hyp2f1(-2, b, c, z), 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)))).toBeLessThan(1e-14);
  });

  it('Gauss’s sum at the edge: 2F1(a, b; c; z) → Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) · (1 + ab/(a+b−c+1) (1−z)) as z → 1', () => {
    const [a, b, c] = [0.4, 0.7, 3.3];
    const y = 1e-10; // 1 − z; the next terms are O(y²) and O(y^(c−a−b)) = O(1e-20)
    const gauss = logGamma(c) + logGamma(c - a - b) - logGamma(c - a) - logGamma(c - b) + Math.log1p(((a * b) / (a + b - c + 1)) * y);
    expect(Math.abs(logHyp2f1(a, b, c, 1 - y) - gauss)).toBeLessThan(1e-13);
  });

  it('the Pareto/NBD form 2F1(1, b; c; z) agrees with the general routine and with (1−z)^−1 at b = c', () => {
    for (const [b, c, z] of [
      [0.6, 3.2, 0.3],
      [0.6, 3.2, 0.87],
      [25.5, 26.1, 0.99],
      [1.6, 300.2, 0.9999],
      [250, 251.6, 0.95],
    ] as const) {
      expect(Math.abs(logHyp2f1Unit(b, c, z) - logHyp2f1(1, b, c, z))).toBeLessThan(1e-12 * Math.max(1, Math.abs(logHyp2f1(1, b, c, z))));
    }
    expect(logHyp2f1Unit(4, 4, 0.9)).toBeCloseTo(-Math.log(0.1), 12);
  });

  it('is 1 at z = 0 and keeps the sign of a negative value', () => {
    expect(hyp2f1(3, 4, 5, 0)).toBe(1);
    // 2F1(1, −3; −½; z) = Σ (1)_n (−3)_n / ((−½)_n n!) zⁿ = 1 + 6z − 24z² + 16z³, negative at z = 0.6.
    const z = 0.6;
    const exact = 1 + 6 * z - 24 * z * z + 16 * z ** 3;
    const r = signedLogHyp2f1(1, -3, -0.5, z);
    expect(exact).toBeLessThan(0);
    expect(r.sign).toBe(-1);
    expect(rel(r.sign * Math.exp(r.log), exact)).toBeLessThan(1e-14);
  });

  it('throws a ModelError, not NaN, where it cannot give a value', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(ModelError);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/negative integer/);
    expect(() => hyp2f1(1, Number.NaN, 2, 0.5)).toThrow(/non-finite/);
    expect(() => logHyp2f1(1, -3, -0.5, 0.6)).toThrow(/not positive/);
  });
});
