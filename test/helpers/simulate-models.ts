/**
 * Seeded simulators of the models' generative stories, for parameter-recovery tests: draw customers
 * from BG/NBD (and Gamma-Gamma spend), summarise them the `lifetimes` way, fit, compare.
 */
import type { CustomerSummary } from '../../src/models/summary.js';

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, and identical on every platform. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const st = [split(), split(), split(), split()] as [number, number, number, number];
  const next32 = () => {
    const result = Math.imul(rotl(Math.imul(st[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (st[1] << 9) >>> 0;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotl(st[3], 11);
    return result;
  };
  // 53 random bits, in (0, 1): never exactly 0, so log(u) is finite.
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6) + 0.5) / 9007199254740992;
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export type Rng = () => number;

export function normal(u: Rng): number {
  // Marsaglia's polar method (one of the pair is discarded; simplicity over speed).
  for (;;) {
    const a = 2 * u() - 1;
    const b = 2 * u() - 1;
    const s = a * a + b * b;
    if (s > 0 && s < 1) return a * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Gamma(shape, rate) by Marsaglia & Tsang; shape < 1 via the U^(1/shape) boost. */
export function gamma(u: Rng, shape: number, rate: number): number {
  if (shape < 1) return gamma(u, shape + 1, rate) * u() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

export function beta(u: Rng, a: number, b: number): number {
  const x = gamma(u, a, 1);
  return x / (x + gamma(u, b, 1));
}

export interface BgNbdTruth {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaTruth {
  p: number;
  q: number;
  gamma: number;
}

/**
 * n customers of BG/NBD: λ ~ Gamma(r, α), p ~ Beta(a, b); first purchase at 0, observed for T
 * drawn uniformly from [tMin, tMax] (staggered cohorts); repeat purchases at exponential(λ) gaps;
 * after each repeat purchase the customer drops out with probability p. With `spend`, repeat
 * customers get a mean repeat spend from Gamma-Gamma: ν ~ Gamma(q, γ), each transaction
 * ~ Gamma(p, ν), so the mean of x is Gamma(px, ν)/x.
 */
export function simulateCustomers(
  truth: BgNbdTruth,
  n: number,
  seed: number,
  o: { tMin?: number; tMax?: number; spend?: GammaGammaTruth } = {},
): CustomerSummary[] {
  const u = rng(seed);
  const tMin = o.tMin ?? 26;
  const tMax = o.tMax ?? 52;
  const out: CustomerSummary[] = [];
  for (let i = 0; i < n; i++) {
    const T = tMin + (tMax - tMin) * u();
    const lambda = gamma(u, truth.r, truth.alpha);
    const p = beta(u, truth.a, truth.b);
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(u()) / lambda;
      if (t > T) break;
      x++;
      last = t;
      if (u() < p) break;
    }
    let monetary = 0;
    if (o.spend && x > 0) {
      const nu = gamma(u, o.spend.q, o.spend.gamma);
      monetary = gamma(u, o.spend.p * x, nu) / x;
    }
    out.push({ frequency: x, recency: last, T, monetary });
  }
  return out;
}
