/**
 * Customer lifetime: the cohort retention matrix and the Kaplan–Meier survival curve. Both are
 * many rows per report (cells, curve points), finished in TypeScript from those aggregates.
 */
import { stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { MetricDef, Value } from '../types.js';
import { activeAt, firstActive, MODEL_TABLES } from './retention.js';

const DAYS_PER_MONTH = 30.4375;

/** Rows (bucket = cohort label, k, n): customers of the cohort active k buckets after it (k = 0: its size). */
function cohortSql(s: Scope): string {
  const d = s.d;
  // Active in bucket j: a completed order in it (transactional), or paying at its end (subscription).
  const activity =
    s.model === 'subscription'
      ? `SELECT customer_id, CAST(i - 1 AS BIGINT) AS j FROM (${activeAt(s)}) a WHERE i >= 1`
      : `SELECT DISTINCT o.customer_id AS customer_id, CAST(${s.bucket('o.ordered_at')} AS BIGINT) AS j FROM ${d.table('orders')} o
          WHERE o.status = 'completed' AND ${s.inPeriod('o.ordered_at')}`;
  const cohort = `SELECT f.customer_id AS customer_id, CAST(${s.bucket('f.first_at')} AS BIGINT) AS ci FROM (${firstActive(s)}) f WHERE ${s.inPeriod('f.first_at')}`;
  return `SELECT x.ci AS bucket, ${s.segment('x.customer_id')} AS segment, x.k AS k, count(*) AS n FROM (
      SELECT customer_id, ci, CAST(0 AS BIGINT) AS k FROM (${cohort}) c0
      UNION ALL
      SELECT c.customer_id AS customer_id, c.ci AS ci, CAST(a.j - c.ci AS BIGINT) AS k FROM (${cohort}) c ${d.join('inner')} (${activity}) a USING (customer_id)
        WHERE a.j > c.ci
    ) x GROUP BY bucket, segment, k`;
}

export const cohortRetention: MetricDef = {
  id: 'cohort_retention',
  name: 'Cohort retention matrix',
  description: 'Customers grouped by the bucket of their first activity; each cell is the share of the cohort active k buckets later.',
  formula: 'cell (cohort, k) = cohort customers active in bucket cohort + k / cohort size · 100; the value is the size-weighted share active one bucket later',
  unit: 'percent',
  direction: 'higher',
  tables: ['orders', 'subscription_events'],
  modelTables: MODEL_TABLES,
  teams: ['data'],
  periodFromSeries: true,
  convention:
    'Cohorts first active inside the period, by the report grain. Active in a bucket: a completed order in it (transactional) or paying at its end (subscription). parts["<cohort>+<k>"] holds each cell; each series point is that cohort’s one-bucket retention.',
  sql: cohortSql,
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows) => {
    const size = new Map<string, number>();
    for (const r of rows) if (num(r.stats, 'k') === 0) size.set(r.bucket, num(r.stats, 'n'));
    const parts: Record<string, number> = {};
    let next = 0;
    const ordered = [...rows].sort((a, b) => a.bucket.localeCompare(b.bucket) || num(a.stats, 'k') - num(b.stats, 'k'));
    for (const r of ordered) {
      const k = num(r.stats, 'k');
      const base = size.get(r.bucket) ?? 0;
      if (k > 0 && base > 0) parts[`${r.bucket}+${k}`] = (100 * num(r.stats, 'n')) / base;
      if (k === 1) next += num(r.stats, 'n');
    }
    const total = [...size.values()].reduce((a, b) => a + b, 0);
    if (total === 0) return { value: null, n: 0, note: 'No customer was first active in the period.' };
    return { value: (100 * next) / total, n: total, parts };
  },
};

/**
 * Kaplan–Meier: each customer's age (months since first activity) at churn, or at the end of the
 * period when still active (censored). Churn: the last completed order plus the activity window
 * (transactional), or the last time MRR fell to 0 for good (subscription).
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
  return `SELECT 'period' AS bucket, ${s.segment('x.customer_id')} AS segment, month, ${d.countIf('churned = 1')} AS deaths, ${d.countIf('churned = 0')} AS censored
    FROM (SELECT f.customer_id, CASE WHEN c.churned_at IS NULL THEN 0 ELSE 1 END AS churned,
        floor(${d.secondsBetween('f.first_at', `coalesce(c.churned_at, ${s.to})`)} / 86400.0 / ${DAYS_PER_MONTH}) AS month
      FROM (${firstActive(s)}) f ${d.join('inner')} (${churnAt}) c USING (customer_id)
      WHERE f.first_at < ${s.to}) x
    GROUP BY bucket, segment, month`;
}

/** S(t) = Π (1 − deaths_j / at_risk_j); the median lifetime is the first month where S ≤ 0.5. */
export function kaplanMeier(points: readonly { month: number; deaths: number; censored: number }[]): { curve: [number, number][]; median: number | null; n: number } {
  const sorted = [...points].sort((a, b) => a.month - b.month);
  let atRisk = sorted.reduce((a, p) => a + p.deaths + p.censored, 0);
  const n = atRisk;
  let surv = 1;
  let median: number | null = null;
  const curve: [number, number][] = [[0, 1]];
  for (const p of sorted) {
    if (atRisk > 0 && p.deaths > 0) {
      surv *= 1 - p.deaths / atRisk;
      curve.push([p.month, surv]);
      if (median === null && surv <= 0.5) median = p.month;
    }
    atRisk -= p.deaths + p.censored;
  }
  return { curve, median, n };
}

export const survival: MetricDef = {
  id: 'survival',
  name: 'Customer survival (median lifetime)',
  description: 'Kaplan–Meier estimate of how long customers stay, censoring those still active; the value is the median lifetime.',
  formula: 'S(t) = Π over months j ≤ t of (1 − churned_j / at risk_j); median lifetime = first month with S ≤ 50 %',
  unit: 'ratio',
  direction: 'higher',
  tables: ['orders', 'subscription_events'],
  modelTables: MODEL_TABLES,
  teams: ['data', 'leadership'],
  noSeries: true,
  convention:
    'The value is in months (30.4375 days), over every customer first active before the end of the period, as of that end. parts: survival in percent at 1, 3, 6, 12 and 24 months.',
  sql: survivalSql,
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows): Value => {
    const km = kaplanMeier(rows.map((r) => ({ month: num(r.stats, 'month'), deaths: num(r.stats, 'deaths'), censored: num(r.stats, 'censored') })));
    if (km.n === 0) return { value: null, n: 0, note: 'No customer was active before the end of the period.' };
    const at = (m: number) => 100 * [...km.curve].reverse().find(([t]) => t <= m)![1];
    return {
      value: km.median,
      n: km.n,
      parts: { s1: at(1), s3: at(3), s6: at(6), s12: at(12), s24: at(24) },
      ...(km.median === null ? { note: 'More than half of the customers are still active: the median lifetime is not reached yet.' } : {}),
    };
  },
};

export const LIFETIME_METRICS: readonly MetricDef[] = [cohortRetention, survival];
