/**
 * Relating NPS to growth, as the source notes ask: the monthly NPS series against the same
 * workspace's later churn, net revenue churn and existing-customer revenue growth — Pearson's r
 * for each lag (NPS in month t against the outcome in month t + lag), with the number of month
 * pairs and a two-sided p-value (Fisher's z, which assumes roughly normal monthly values; with a
 * couple of dozen months only strong relations will show as significant, and a correlation is not
 * a cause).
 */
import { getSettings } from '../warehouse/schema/settings.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { dataRange, defaultPeriod, rangeOf } from './data-range.js';
import { buildReport } from './report.js';
import { twoSidedP } from './stats.js';

export const OUTCOMES = ['churn_rate', 'revenue_churn_net', 'existing_revenue_growth'] as const;

export interface LagCorrelation {
  readonly outcome: string;
  readonly lag: number;
  /** Month pairs with both values. */
  readonly n: number;
  readonly r: number | null;
  readonly p: number | null;
  readonly significant: boolean | null;
}

export interface NpsGrowth {
  readonly from: string;
  readonly to: string;
  /** Why the months are not the last ones before today (the data ends earlier), else null. */
  readonly period_reason: string | null;
  readonly nps: readonly { start: string; value: number | null; n: number }[];
  readonly correlations: readonly LagCorrelation[];
  /** Outcomes the workspace cannot measure, with why. */
  readonly unavailable: readonly { outcome: string; note: string | null }[];
}

/** Pearson's r of paired values; null with fewer than 3 pairs or no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))) : null;
}

/** Two-sided p of r over n pairs by Fisher's z; null below 4 pairs. */
export function correlationP(r: number | null, n: number): number | null {
  if (r === null || n < 4) return null;
  if (Math.abs(r) === 1) return 0;
  return twoSidedP(Math.atanh(r) * Math.sqrt(n - 3));
}

/** Correlate x[t] with y[t + lag] for each lag, over the months where both are known. */
export function laggedCorrelations(outcome: string, x: readonly (number | null)[], y: readonly (number | null)[], maxLag: number): LagCorrelation[] {
  const out: LagCorrelation[] = [];
  for (let lag = 0; lag <= maxLag; lag++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let t = 0; t + lag < y.length && t < x.length; t++) {
      const a = x[t];
      const b = y[t + lag];
      if (a !== null && a !== undefined && b !== null && b !== undefined) {
        xs.push(a);
        ys.push(b);
      }
    }
    const r = pearson(xs, ys);
    const p = correlationP(r, xs.length);
    out.push({ outcome, lag, n: xs.length, r, p, significant: p === null ? null : p < 0.05 });
  }
  return out;
}

export async function npsGrowth(wh: Warehouse, o: { months?: number; maxLag?: number; now?: Date; timezone?: string }): Promise<NpsGrowth> {
  const months = o.months ?? 24;
  const timezone = o.timezone ?? (await getSettings(wh)).timezone;
  const { from, to, reason } = defaultPeriod(rangeOf(await dataRange(wh, timezone)), timezone, months, o.now);
  const report = await buildReport(wh, { from, to, grain: 'month', metrics: ['nps', ...OUTCOMES], timezone });
  const byId = new Map(report.metrics.map((m) => [m.id, m]));
  const nps = byId.get('nps')!;
  const x = nps.series.map((p) => p.value);
  const correlations: LagCorrelation[] = [];
  const unavailable: { outcome: string; note: string | null }[] = [];
  for (const id of OUTCOMES) {
    const m = byId.get(id)!;
    if (m.value === null && m.series.every((p) => p.value === null)) unavailable.push({ outcome: id, note: m.note });
    else correlations.push(...laggedCorrelations(id, x, m.series.map((p) => p.value), o.maxLag ?? 6));
  }
  return { from, to, period_reason: reason, nps: nps.series, correlations, unavailable };
}
