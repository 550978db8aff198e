/**
 * The published CDNOW fits (Fader, Hardie & Lee 2005; Fader & Hardie's notes; `lifetimes`' docs)
 * reproduced from the raw 1/10 sample: 2,357 customers of the 1997-Q1 cohort, calibration up to
 * 1997-09-30 (39 weeks), time in weeks, same-day purchases merged into one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../src/models/bgnbd.js';
import { fitGammaGamma } from '../src/models/gamma-gamma.js';
import { fitParetoNbd } from '../src/models/paretonbd.js';
import { groupSpend, groupSummaries, type CustomerSummary } from '../src/models/summary.js';

const dataDir = resolve(import.meta.dirname, '../../shared/data/lifetimes');
const sample = resolve(dataDir, 'CDNOW_sample.txt');

const dayOf = (yyyymmdd: string) => Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) / 86_400_000;

/** Per customer: frequency = purchase days − 1, recency and T in weeks, monetary = mean spend of the repeat days. */
function cdnowSummary(): (CustomerSummary & { id: number })[] {
  const end = dayOf('19970930');
  const byCustomer = new Map<number, Map<number, number>>();
  for (const line of readFileSync(sample, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const day = dayOf(f[2]!);
    if (day > end) continue;
    const id = Number(f[1]);
    const days = byCustomer.get(id) ?? new Map<number, number>();
    days.set(day, (days.get(day) ?? 0) + Number(f[4]));
    byCustomer.set(id, days);
  }
  return [...byCustomer].map(([id, days]) => {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    const repeat = sorted.slice(1);
    return {
      id,
      frequency: repeat.length,
      recency: (sorted[sorted.length - 1]! - first) / 7,
      T: (end - first) / 7,
      monetary: repeat.length ? repeat.reduce((s, d) => s + days.get(d)!, 0) / repeat.length : 0,
    };
  });
}

const within = (value: number, published: number, tolerance: number) => expect(Math.abs(value / published - 1)).toBeLessThan(tolerance);

describe.skipIf(!existsSync(sample))('CDNOW sample: published fits', () => {
  const customers = existsSync(sample) ? cdnowSummary() : [];
  const grouped = groupSummaries(customers);

  it('builds the standard summary (matches the summary file shipped with lifetimes)', () => {
    expect(customers).toHaveLength(2357);
    const published = resolve(dataDir, 'cdnow_customers_summary_with_transactions.csv');
    if (!existsSync(published)) return;
    const byId = new Map(customers.map((c) => [c.id, c]));
    const lines = readFileSync(published, 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(2357);
    for (const line of lines) {
      const [id, x, tx, T, zbar] = line.split(',').map(Number) as [number, number, number, number, number];
      const c = byId.get(id)!;
      expect(c.frequency).toBe(x);
      // The file rounds to two decimals.
      expect(Math.abs(c.recency - tx)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(c.T - T)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(c.monetary! - zbar)).toBeLessThanOrEqual(0.0051);
    }
  });

  it('BG/NBD: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4', () => {
    expect(grouped.length).toBeLessThan(customers.length);
    const fit = fitBgNbd(grouped);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    within(fit.r, 0.243, 0.01);
    within(fit.alpha, 4.414, 0.01);
    within(fit.a, 0.793, 0.01);
    within(fit.b, 2.426, 0.01);
    expect(Math.abs(fit.loglik - -9582.4)).toBeLessThan(0.5);
  });

  it('Pareto/NBD: r = 0.553, α = 10.58, s = 0.606, β = 11.67, LL = −9595.0', () => {
    const fit = fitParetoNbd(grouped);
    expect(fit.converged).toBe(true);
    within(fit.r, 0.553, 0.01);
    within(fit.alpha, 10.58, 0.01);
    within(fit.s, 0.606, 0.01);
    within(fit.beta, 11.67, 0.01);
    expect(Math.abs(fit.loglik - -9595.0)).toBeLessThan(0.5);
  });

  it('Gamma-Gamma on the 946 repeat customers: p = 6.25, q = 3.74, γ = 15.44', () => {
    const fit = fitGammaGamma(customers.map((c) => ({ frequency: c.frequency, monetary: c.monetary ?? 0 })));
    expect(fit.customers).toBe(946);
    within(fit.p, 6.25, 0.01);
    within(fit.q, 3.74, 0.01);
    within(fit.gamma, 15.44, 0.01);
  });

  it('the grouped (weighted) fits equal the per-customer fits', () => {
    const perCustomer = customers.map(({ frequency, recency, T }) => ({ frequency, recency, T }));
    const [g, u] = [fitBgNbd(grouped), fitBgNbd(perCustomer)];
    expect(Math.abs(g.loglik - u.loglik)).toBeLessThan(1e-6);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) within(g[k], u[k], 1e-5);
    const [pg, pu] = [fitParetoNbd(grouped), fitParetoNbd(perCustomer)];
    expect(Math.abs(pg.loglik - pu.loglik)).toBeLessThan(1e-6);
    const spend = groupSpend(customers);
    expect(spend.length).toBeLessThan(946);
    const [sg, su] = [fitGammaGamma(spend), fitGammaGamma(customers.map((c) => ({ frequency: c.frequency, monetary: c.monetary ?? 0 })))];
    expect(Math.abs(sg.loglik - su.loglik)).toBeLessThan(1e-6);
  });
});
