/**
 * The BG/NBD fit reaches the maximum of its likelihood: on real data where its fixed starts used
 * to stop on the no-dropout edge (a → 0, b huge) below an interior maximum, and on data whose
 * maximum really is on that edge, which the fit then says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bgnbdLogLikelihood, boundaryNote, fitBgNbd, probabilityAlive, type BgNbdParams } from '../src/models/bgnbd.js';
import { minimizeNelderMead } from '../src/models/optimize.js';
import { logGamma } from '../src/models/special.js';
import type { PurchaseRow } from '../src/models/summary.js';

const fixture = join(import.meta.dirname, 'fixtures', 'models', 'uci-retail-weeks-2011-10-15.csv');
const uci: PurchaseRow[] = readFileSync(fixture, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [frequency, recency, T, weight] = line.split(',').map(Number) as [number, number, number, number];
    return { frequency, recency, T, weight };
  });

/**
 * The best of Nelder–Mead runs over log-parameters from a grid of starts, on the likelihood alone:
 * an independent search (no gradient, no BFGS, none of the fit's starts).
 */
function denseSearch(rows: readonly PurchaseRow[], starts: readonly BgNbdParams[]): { params: BgNbdParams; loglik: number } {
  const negLL = (th: readonly number[]) => {
    const [r, alpha, a, b] = th.map(Math.exp) as [number, number, number, number];
    const v = -bgnbdLogLikelihood({ r, alpha, a, b }, rows);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = { x: [0, 0, 0, 0], value: Infinity };
  for (const s of starts) {
    const run = minimizeNelderMead(negLL, [s.r, s.alpha, s.a, s.b].map(Math.log), { maxIterations: 300 });
    if (run.value < best.value) best = run;
  }
  const [r, alpha, a, b] = best.x.map(Math.exp) as [number, number, number, number];
  return { params: { r, alpha, a, b }, loglik: -best.value };
}

const grid = (rates: readonly [number, number][]) => rates.flatMap(([r, alpha]) => [0.01, 0.3].flatMap((a) => [0.5, 5].map((b) => ({ r, alpha, a, b }))));

describe('BG/NBD reaches the maximum, not an edge below it', () => {
  const fit = fitBgNbd(uci);

  it('UCI Online Retail to 2011-10-15 (weeks): an interior maximum above the no-dropout ridge', () => {
    expect(fit.customers).toBe(3786);
    // The fixed starts alone stopped on the ridge at r 0.78325, α 9.9065, a 1.09e-6, b 35,610
    // with log-likelihood −27,542.609853 (reproduced below); the maximum is inside and higher.
    const ridge = { r: 0.78325, alpha: 9.9065, a: 1.0882e-6, b: 35610 };
    expect(bgnbdLogLikelihood(ridge, uci)).toBeCloseTo(-27542.609853, 3);
    expect(fit.boundary).toEqual([]);
    expect(fit.a).toBeGreaterThan(5e-4);
    expect(fit.b).toBeLessThan(100);
    expect(fit.loglik).toBeGreaterThan(bgnbdLogLikelihood(ridge, uci) + 0.01);
    // An independent dense search finds nothing higher.
    const found = denseSearch(uci, grid([[0.5, 5], [1, 10]]));
    expect(fit.loglik).toBeGreaterThanOrEqual(found.loglik - 1e-6);
    expect(boundaryNote(fit)).toBeNull();
  }, 120_000);

  it('the maximum is a stationary point: no coordinate step of 1 % raises the likelihood', () => {
    const p = { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      for (const f of [0.99, 1.01]) expect(bgnbdLogLikelihood({ ...p, [k]: p[k] * f }, uci)).toBeLessThanOrEqual(fit.loglik);
    }
  });
});

describe('BG/NBD on data whose maximum is on the edge says so', () => {
  // Every repeat customer bought last at the calibration end (t_x = T). Then A4 = a/(b+x−1)·A3 and
  // A2·(1 + a/(b+x−1)) = Π_{j<x−1} (b+j)/(a+b+j) ≤ 1, equal to 1 only as a/b → 0: each customer's
  // likelihood is highest with no dropout, and the maximum is the NBD's, on the edge. The spread of
  // frequencies identifies r and α.
  const rows: PurchaseRow[] = [
    { frequency: 0, recency: 0, T: 10, weight: 300 },
    { frequency: 1, recency: 10, T: 10, weight: 200 },
    { frequency: 2, recency: 10, T: 10, weight: 150 },
    { frequency: 4, recency: 10, T: 10, weight: 100 },
    { frequency: 8, recency: 10, T: 10, weight: 50 },
    { frequency: 0, recency: 0, T: 20, weight: 200 },
    { frequency: 3, recency: 20, T: 20, weight: 150 },
    { frequency: 9, recency: 20, T: 20, weight: 50 },
  ];
  const fit = fitBgNbd(rows);
  const nbd = (r: number, alpha: number) => rows.reduce((s, { frequency: x, T, weight: w = 1 }) => s + w * (logGamma(r + x) - logGamma(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + T)), 0);

  it('reports the edge (no dropout) with the NBD likelihood, rather than refusing or inventing dropout', () => {
    expect(fit.boundary.length).toBeGreaterThan(0);
    expect(fit.a / (fit.a + fit.b)).toBeLessThan(1e-4);
    // At the edge the BG/NBD likelihood is the NBD's: Σ w (logΓ(r+x) − logΓ(r) + r log α − (r+x) log(α+T)).
    expect(fit.loglik).toBeCloseTo(nbd(fit.r, fit.alpha), 4);
    // …and (r, α) maximise it: no 1 % step raises it.
    for (const [dr, da] of [[1.01, 1], [0.99, 1], [1, 1.01], [1, 0.99]] as const) expect(nbd(fit.r * dr, fit.alpha * da)).toBeLessThanOrEqual(fit.loglik + 1e-6);
    // Everybody is alive.
    expect(probabilityAlive(fit, 4, 10, 10)).toBeGreaterThan(0.999);
    expect(boundaryNote(fit)).toMatch(/^The likelihood is highest with no dropout/);
  });

  it('no interior point is higher (an independent search from inside ends no higher)', () => {
    const found = denseSearch(rows, grid([[1, 5]]));
    expect(fit.loglik).toBeGreaterThanOrEqual(found.loglik - 1e-6);
  }, 120_000);
});
