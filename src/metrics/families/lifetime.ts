/**
 * Customer lifetime: the cohort retention matrix and the Kaplan–Meier survival curve. Both are
 * many rows per report (cells, curve points), finished in TypeScript from those aggregates.
 */
import { startsBucket } from '../calendar.js';
import { stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { MetricDef, Value } from '../types.js';
import { activeAt, firstActive, MODEL_TABLES } from './retention.js';

const DAYS_PER_MONTH = 30.4375;

/**
 * Rows (bucket = cohort label, k, n, kmax, kend): customers of the cohort active k buckets after it
 * (k = 0: its size). Cell k of a cohort is observed for k ≤ kmax: its bucket is whole inside the
 * period and the data reaches the bucket's last day. Cells kmax < k ≤ kend lie in the period but are
 * not observed (null, never 0 %).
 */
function cohortSql(s: Scope): string {
  const d = s.d;
  const table = s.model === 'subscription' ? 'subscription_events' : 'orders';
  const time = s.model === 'subscription' ? 'occurred_at' : 'ordered_at';
  // Active in bucket j: a completed order in it (transactional), or paying at its end (subscription).
  const activity =
    s.model === 'subscription'
      ? `SELECT customer_id, CAST(i - 1 AS BIGINT) AS j FROM (${activeAt(s)}) a WHERE i >= 1`
      : `SELECT DISTINCT o.customer_id AS customer_id, CAST(${s.bucket('o.ordered_at')} AS BIGINT) AS j FROM ${d.table('orders')} o
          WHERE o.status = 'completed' AND ${s.inPeriod('o.ordered_at')}`;
  const cohort = `SELECT f.customer_id AS customer_id, CAST(${s.bucket('f.first_at')} AS BIGINT) AS ci FROM (${firstActive(s)}) f WHERE ${s.inPeriod('f.first_at')}`;
  // The last bucket index in the period (the first may start before it, the last may be cut by
  // its end: a cut bucket is not whole, so not observed), and the last one the data reaches.
  const last = s.boundaryCount - 2;
  const whole = s.grain && !startsBucket(s.period.to, s.grain) ? last - 1 : last;
  // coalesce(max(i + 1), 0) - 1: -1 over no bucket on both engines (ClickHouse's max of nothing is 0).
  const reached = `(SELECT coalesce(max(e.i + 1), 0) - 1 FROM ${s.bucketEdges} e
    WHERE e.i <= ${whole} AND ${d.addDays('e.hi_at', -1)} <= (SELECT max(${time}) FROM ${d.table(table)} z))`;
  return `SELECT x.ci AS bucket, ${s.segment('x.customer_id')} AS segment, x.k AS k, count(*) AS n,
      max(${reached} - x.ci) AS kmax, max(${last} - x.ci) AS kend FROM (
      SELECT customer_id, ci, CAST(0 AS BIGINT) AS k FROM (${cohort}) c0
      UNION ALL
      SELECT c.customer_id AS customer_id, c.ci AS ci, CAST(a.j - c.ci AS BIGINT) AS k FROM (${cohort}) c ${d.join('inner')} (${activity}) a USING (customer_id)
        WHERE a.j > c.ci
    ) x GROUP BY bucket, segment, k`;
}

export const cohortRetention: MetricDef = {
  id: 'cohort_retention',
  noBenchmark: 'A matrix of cohorts by age, not one number; the headline retention rate has bands (retention_rate).',
  name: 'Cohort retention matrix',
  description: 'Customers grouped by the bucket of their first activity; each cell is the share of the cohort active k buckets later.',
  formula: 'cell (cohort, k) = cohort customers active in bucket cohort + k / cohort size · 100; the value is the size-weighted share active one bucket later, over cohorts whose next bucket is observed',
  unit: 'percent',
  direction: 'higher',
  tables: ['orders', 'subscription_events'],
  modelTables: MODEL_TABLES,
  teams: ['data'],
  periodFromSeries: true,
  convention:
    'Cohorts first active inside the period, by the report grain. Active in a bucket: a completed order in it (transactional) or paying at its end (subscription). A cell is observed when its bucket is whole inside the period and the data reaches its last day; an unobserved cell is null and left out of every average. parts["<cohort>+<k>"] holds each cell; each series point is that cohort’s one-bucket retention.',
  sql: cohortSql,
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows) => {
    const cohorts = new Map<string, { size: number; kmax: number; kend: number; active: Map<number, number> }>();
    for (const r of rows) {
      const c = cohorts.get(r.bucket) ?? { size: 0, kmax: num(r.stats, 'kmax'), kend: num(r.stats, 'kend'), active: new Map<number, number>() };
      cohorts.set(r.bucket, c);
      const k = num(r.stats, 'k');
      if (k === 0) c.size = num(r.stats, 'n');
      else c.active.set(k, num(r.stats, 'n'));
    }
    const parts: Record<string, number | null> = {};
    let next = 0;
    let total = 0;
    for (const [label, c] of [...cohorts].sort(([a], [b]) => a.localeCompare(b))) {
      if (c.size === 0) continue;
      // Observed cells are shares, 0 % included; the rest of the period's cells are null.
      for (let k = 1; k <= c.kend; k++) parts[`${label}+${k}`] = k <= c.kmax ? (100 * (c.active.get(k) ?? 0)) / c.size : null;
      if (c.kmax >= 1) {
        next += c.active.get(1) ?? 0;
        total += c.size;
      }
    }
    if (cohorts.size === 0) return { value: null, n: 0, note: 'No customer was first active in the period.' };
    if (total === 0) return { value: null, n: 0, parts, note: 'No cohort’s next bucket is observed yet (inside the period and covered by the data).' };
    return { value: (100 * next) / total, n: total, parts };
  },
};

/**
 * Kaplan–Meier: each customer's exact age (from the instants, in months of 30.4375 days) at churn,
 * or at the end of the period when still active (censored). Churn: the last completed order plus
 * the activity window (transactional), or the last time MRR fell to 0 for good (subscription).
 * The engine counts churns and censorings per distinct age; the product over them is finished here.
 */
function survivalSql(s: Scope): string {
  const d = s.d;
  const w = s.settings.activityWindowDays;
  const churnAt =
    s.model === 'subscription'
      ? // Paying nothing at the end means the latest change stopped the last subscription: churned then.
        `SELECT customer_id, CASE WHEN sum(last_mrr) = 0 THEN max(last_at) END AS churned_at FROM (
          SELECT customer_id, subscription_id, ${d.argMax('mrr', 'occurred_at')} AS last_mrr, max(occurred_at) AS last_at
          FROM ${d.table('subscription_events')} e WHERE occurred_at < ${s.to} GROUP BY customer_id, subscription_id) q GROUP BY customer_id`
      : `SELECT customer_id, CASE WHEN ${d.addDays('max(ordered_at)', w)} <= ${s.to} THEN ${d.addDays('max(ordered_at)', w)} END AS churned_at
          FROM ${d.table('orders')} o WHERE status = 'completed' AND ordered_at < ${s.to} GROUP BY customer_id`;
  return `SELECT 'period' AS bucket, ${s.segment('x.customer_id')} AS segment, seconds / 86400.0 / ${DAYS_PER_MONTH} AS month,
      ${d.countIf('churned = 1')} AS deaths, ${d.countIf('churned = 0')} AS censored
    FROM (SELECT f.customer_id, CASE WHEN c.churned_at IS NULL THEN 0 ELSE 1 END AS churned,
        ${d.secondsBetween('f.first_at', `coalesce(c.churned_at, ${s.to})`)} AS seconds
      FROM (${firstActive(s)}) f ${d.join('inner')} (${churnAt}) c USING (customer_id)
      WHERE f.first_at < ${s.to}) x
    GROUP BY bucket, segment, seconds`;
}

/** A point of the survival curve: S(t) from time t on, with its Greenwood 95 % interval. */
export interface SurvivalPoint {
  t: number;
  s: number;
  lo: number;
  hi: number;
}

/**
 * S(t) = Π over churn times t_j ≤ t of (1 − d_j / n_j), n_j = customers whose time is ≥ t_j (so a
 * customer censored at t_j is still at risk there: churns come before censorings at equal times).
 * Greenwood: Var S(t) = S(t)² Σ d_j / (n_j (n_j − d_j)); the interval is S ± 1.96 √Var, within
 * [0, 1]. The median lifetime is the first churn time with S ≤ 0.5.
 */
export function kaplanMeier(points: readonly { month: number; deaths: number; censored: number }[]): { curve: SurvivalPoint[]; median: number | null; n: number } {
  const sorted = [...points].sort((a, b) => a.month - b.month);
  let atRisk = sorted.reduce((a, p) => a + p.deaths + p.censored, 0);
  const n = atRisk;
  let surv = 1;
  let greenwood = 0;
  let median: number | null = null;
  const curve: SurvivalPoint[] = [{ t: 0, s: 1, lo: 1, hi: 1 }];
  for (const p of sorted) {
    if (atRisk > 0 && p.deaths > 0) {
      surv *= 1 - p.deaths / atRisk;
      // When everyone at risk churns, S is 0 and so is its variance.
      greenwood = p.deaths < atRisk ? greenwood + p.deaths / (atRisk * (atRisk - p.deaths)) : 0;
      const half = 1.96 * Math.sqrt(surv * surv * greenwood);
      curve.push({ t: p.month, s: surv, lo: Math.max(0, surv - half), hi: Math.min(1, surv + half) });
      if (median === null && surv <= 0.5) median = p.month;
    }
    atRisk -= p.deaths + p.censored;
  }
  return { curve, median, n };
}

/** The months at which the curve is reported. */
const SURVIVAL_AT = [1, 3, 6, 12, 24] as const;

export const survival: MetricDef = {
  id: 'survival',
  noBenchmark: 'A curve over customer age whose median depends on how often the product is bought; no public benchmark states one on this definition.',
  name: 'Customer survival (median lifetime)',
  description: 'Kaplan–Meier estimate of how long customers stay, censoring those still active; the value is the median lifetime.',
  formula: 'S(t) = Π over churn times t_j ≤ t of (1 − churned_j / at risk_j), on exact ages; median lifetime = first churn time with S ≤ 50 %',
  unit: 'months',
  direction: 'higher',
  tables: ['orders', 'subscription_events'],
  modelTables: MODEL_TABLES,
  teams: ['data', 'leadership'],
  reads: ['activity_window'],
  noSeries: true,
  convention:
    'The value is in months (30.4375 days), over every customer first active before the end of the period, as of that end; ages are exact (from the instants, not rounded), churns before censorings at equal ages. parts: survival in percent at 1, 3, 6, 12 and 24 months (s1 … s24) with Greenwood 95 % intervals (s1_lo, s1_hi …).',
  sql: survivalSql,
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows): Value => {
    const km = kaplanMeier(rows.map((r) => ({ month: num(r.stats, 'month'), deaths: num(r.stats, 'deaths'), censored: num(r.stats, 'censored') })));
    if (km.n === 0) return { value: null, n: 0, note: 'No customer was active before the end of the period.' };
    const parts: Record<string, number> = {};
    for (const m of SURVIVAL_AT) {
      const p = [...km.curve].reverse().find((c) => c.t <= m)!;
      Object.assign(parts, { [`s${m}`]: 100 * p.s, [`s${m}_lo`]: 100 * p.lo, [`s${m}_hi`]: 100 * p.hi });
    }
    return {
      value: km.median,
      n: km.n,
      parts,
      ...(km.median === null ? { note: 'More than half of the customers are still active: the median lifetime is not reached yet.' } : {}),
    };
  },
};

export const LIFETIME_METRICS: readonly MetricDef[] = [cohortRetention, survival];
