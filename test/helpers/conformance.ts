/**
 * Conformance between engines: how two results of the same metric are compared (counts exactly,
 * ratios and money to 1e-9 relative), shared by the conformance suite and the fixture helper,
 * which with RETAIN_TEST_CLICKHOUSE set computes every fixture metric on ClickHouse as well.
 */
import { expect } from 'vitest';
import type { MetricResult } from '../../src/metrics/compute.js';

/**
 * Looser tolerances, with the reason. Fitted model parameters are maximum-likelihood estimates
 * found to the optimiser's tolerance, and the engines' sums of the same spends can differ in the
 * last bit, so two fits agree to about 1e-8 — and so does the CLV computed from them. The
 * Gamma-Gamma γ is the exception: its likelihood is nearly flat along q/γ, and ClickHouse sums in
 * an order that changes from run to run; measured on the CDNOW sample, up to 1.04e-6 apart.
 */
export const TOLERANCE: Record<string, number> = { clv_predicted: 1e-5 };

/** Counts exactly; ratios and money to 1e-9 relative (or the metric's recorded tolerance); the same shape otherwise. */
export function expectSame(a: unknown, b: unknown, path: string, tolerance = 1e-9): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) < 1e12) expect(b, path).toBe(a);
    else expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(a), Math.abs(b), 1e-300));
  } else if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, `${path}.length`).toBe(a.length);
    a.forEach((v, i) => expectSame(v, b[i], `${path}[${i}]`, tolerance));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), `${path} keys`).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, tolerance);
  } else expect(b, path).toEqual(a);
}

export const comparable = (r: MetricResult) => ({ value: r.value, n: r.n, ci95: r.ci95, parts: r.parts, series: r.series, note: r.note, benchmark: r.benchmark, segments: r.segments, small_n: r.small_n, warnings: r.warnings, variants: r.variants });

