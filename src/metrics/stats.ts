/** Intervals and tests on aggregates (counts and shares), never on rows. */
import type { Stats, Value } from './types.js';

/** A statistic of a metric's SQL row as a number (0 when absent). */
export const stat = (s: Stats, k: string): number => Number(s[k] ?? 0);

/** Statistics summed per row key (metrics of many keys: pages, features, scores); '' when a row has none. */
export function sumByKey<K extends string>(rows: readonly { key?: string; stats: Stats }[], names: readonly K[]): Map<string, Record<K, number>> {
  const out = new Map<string, Record<K, number>>();
  for (const r of rows) {
    const key = r.key ?? '';
    const t = out.get(key) ?? (Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>);
    for (const n of names) t[n] += stat(r.stats, n);
    out.set(key, t);
  }
  return out;
}

/** The k and n of a rate, from the statistics named `k` and `n`. */
export const kOfN = (s: Stats): readonly [number, number] => [stat(s, 'k'), stat(s, 'n')];

/** k of n as a percentage with its Wilson interval; null with the note when n is 0. */
export function rate(k: number, n: number, empty: string, extra: Pick<Value, 'parts'> = {}): Value {
  return n === 0 ? { value: null, n, note: empty, ...extra } : { value: (100 * k) / n, n, ci95: wilson(k, n), ...extra };
}

const Z95 = 1.959963984540054;

/** Wilson score interval for k successes in n, in percent. */
export function wilson(k: number, n: number): [number, number] | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half)];
}

/** NPS interval (METRICS.md): ±1.96·100·sqrt((pP + pD − (pP − pD)²) / n). */
export function npsInterval(promoters: number, detractors: number, n: number): [number, number] | null {
  if (n <= 0) return null;
  const pP = promoters / n;
  const pD = detractors / n;
  const nps = 100 * (pP - pD);
  const half = Z95 * 100 * Math.sqrt((pP + pD - (pP - pD) ** 2) / n);
  return [Math.max(-100, nps - half), Math.min(100, nps + half)];
}

/** Standard normal two-sided p-value. */
export function twoSidedP(z: number): number {
  return 2 * (1 - normalCdf(Math.abs(z)));
}

function normalCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 on erf, accurate to 1.5e-7.
  const t = 1 / (1 + (0.3275911 * x) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return 0.5 * (1 + y);
}

/** Two-proportion z-test (pooled) of k1/n1 against k2/n2. */
export function twoProportionP(k1: number, n1: number, k2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return k1 / n1 === k2 / n2 ? 1 : 0;
  return twoSidedP((k1 / n1 - k2 / n2) / se);
}

/** Change in NPS between two samples, tested with each NPS's variance (pP + pD − (pP − pD)²)/n. */
export function npsChangeP(a: { promoters: number; detractors: number; n: number }, b: { promoters: number; detractors: number; n: number }): number | null {
  if (a.n <= 0 || b.n <= 0) return null;
  const v = (x: typeof a) => (x.promoters / x.n + x.detractors / x.n - (x.promoters / x.n - x.detractors / x.n) ** 2) / x.n;
  const se = Math.sqrt(v(a) + v(b));
  const diff = (a.promoters - a.detractors) / a.n - (b.promoters - b.detractors) / b.n;
  if (se === 0) return diff === 0 ? 1 : 0;
  return twoSidedP(diff / se);
}

/** x / y, or null when y is 0 (an empty denominator is never 0 and never NaN). */
export function ratio(x: number | null | undefined, y: number | null | undefined): number | null {
  return x === null || x === undefined || y === null || y === undefined || y === 0 ? null : x / y;
}
