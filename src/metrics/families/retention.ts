/**
 * Retention and churn (METRICS.md, "Active customer"): who is active at each bucket boundary, by
 * the workspace model — subscription (summed MRR > 0, each subscription at its latest change
 * strictly before the instant) or transactional (a completed order in [t − W, t)). S is active at
 * a bucket's start, E at its end, N first active inside it; retained = S ∩ E, churned = S − E.
 */
import { rate, ratio, stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { MetricDef, Stats, Value } from '../types.js';

const SOURCE = 'Source notes (Malay and Thai marketing glossaries), METRICS.md';

/**
 * (customer_id, i, mrr): each paying customer's summed MRR at boundary i, each subscription at its
 * latest change strictly before it. Changes are grouped by the boundaries that follow them; the
 * last of a group holds from its first following boundary to the next group's — a range per
 * group instead of a join of every change with every boundary.
 */
export function mrrAt(s: Scope, mrr: string): string {
  return `SELECT customer_id, i, sum(sub_mrr) AS mrr FROM (${s.spread(mrrSpans(s, mrr))}) x GROUP BY customer_id, i HAVING sum(sub_mrr) > 0`;
}

/**
 * (customer_id, sub_mrr, lo, hi): each subscription's MRR holds at boundaries [lo, hi) — its
 * latest change before each boundary, until the next change.
 */
export function mrrSpans(s: Scope, mrr: string): string {
  const d = s.d;
  const groups = `SELECT e.customer_id AS customer_id, e.subscription_id AS subscription_id, ${s.boundaryIndex('e.occurred_at')} AS lo, ${d.argMax(mrr, 'e.occurred_at')} AS sub_mrr
    FROM ${d.table('subscription_events')} e WHERE e.occurred_at < ${s.to} AND ${s.keep('e.customer_id')} GROUP BY customer_id, subscription_id, lo`;
  // Inner names differ from outer aliases: ClickHouse resolves an alias anywhere in the query.
  return `SELECT customer_id, sub_mrr, lo, next AS hi FROM (${d.withNext(groups, ['customer_id', 'subscription_id'], 'lo', ['sub_mrr'], String(s.boundaryCount))}) g`;
}

/**
 * (customer_id, i): the customer is active at boundary i. Transactional: the latest completed
 * order before the boundary is within the activity window — orders grouped by the boundaries
 * that follow them, each group's last order covering boundaries up to the next group's or the
 * end of its window.
 */
export function activeAt(s: Scope): string {
  if (s.model === 'subscription') return `SELECT customer_id, i FROM (${mrrAt(s, 'e.mrr')}) m`;
  return `SELECT customer_id, i FROM (${s.spread(orderSpans(s))}) x`;
}

/** Transactional activity: (customer_id, lo, hi), disjoint spans of the boundaries a customer is active at. */
function orderSpans(s: Scope): string {
  const d = s.d;
  const w = s.settings.activityWindowDays;
  // A group's window ends W days after its last order: the boundary index of that order, W days on.
  const groups = `SELECT o.customer_id AS customer_id, ${s.boundaryIndex('o.ordered_at')} AS lo, max(${s.boundaryIndex('o.ordered_at', w)}) AS reach
    FROM ${d.table('orders')} o WHERE o.status = 'completed' AND o.ordered_at < ${s.to} AND o.ordered_at >= ${d.addDays(s.from, -w)} AND ${s.keep('o.customer_id')}
    GROUP BY customer_id, lo`;
  return `SELECT customer_id, lo, least(next, reach) AS hi FROM (${d.withNext(groups, ['customer_id'], 'lo', ['reach'], String(s.boundaryCount))}) g`;
}

/**
 * (customer_id, j, m0, m1): a customer's amount at boundaries j and j + 1, from spans (customer_id,
 * lo, hi and the amount column `amount`) holding at boundaries [lo, hi). A span gives its amount to
 * m0 at j in [lo, hi) and to m1 at j in [lo − 1, hi − 1): it is spread over [lo − 1, hi) once and
 * summed per (customer, j) — no full outer join of the two readings. Amounts are never negative,
 * so m0 > 0 exactly when something holds at j.
 */
export function boundaryPairs(s: Scope, spans: string, amount: string): string {
  const shifted = `SELECT customer_id, amt, span_lo, span_hi, greatest(span_lo - 1, 0) AS lo, span_hi AS hi
    FROM (SELECT customer_id, ${amount} AS amt, lo AS span_lo, hi AS span_hi FROM (${spans}) sp0) sp`;
  return `SELECT customer_id, CAST(x.i AS BIGINT) AS j, sum(CASE WHEN x.i >= x.span_lo THEN x.amt ELSE 0 END) AS m0,
      sum(CASE WHEN x.i <= x.span_hi - 2 THEN x.amt ELSE 0 END) AS m1
    FROM (${s.spread(shifted)}) x GROUP BY customer_id, j`;
}

/**
 * Rows (bucket, segment, n): customers created before each bucket's end (the base a programme or
 * a score is measured over). Customers are counted by the first boundary after their creation,
 * then summed up to each end.
 */
export const customersAtEnds = (s: Scope) => {
  const groups = `SELECT ${s.boundaryIndex('c.created_at')} AS lo, ${s.boundaryCount} AS hi, ${s.segment('c.customer_id')} AS segment, count(*) AS created
    FROM ${s.d.table('customers')} c WHERE c.created_at < ${s.to} AND ${s.keep('c.customer_id')} GROUP BY lo, segment`;
  return `SELECT CAST(i - 1 AS BIGINT) AS bucket, segment, CAST(sum(created) AS BIGINT) AS n FROM (${s.spread(groups)}) x WHERE i >= 1 GROUP BY bucket, segment`;
};

/** Each customer's first activity ever (first completed order, or first paid subscription change). */
export function firstActive(s: Scope): string {
  return s.model === 'subscription'
    ? `SELECT customer_id, min(occurred_at) AS first_at FROM ${s.d.table('subscription_events')} e WHERE mrr > 0 AND ${s.keep('customer_id')} GROUP BY customer_id`
    : `SELECT customer_id, min(ordered_at) AS first_at FROM ${s.d.table('orders')} o WHERE status = 'completed' AND ${s.keep('customer_id')} GROUP BY customer_id`;
}

/** Per bucket and segment: s (active at start), retained (also at end), e (active at end), nw (first active inside). */
export function movementSql(s: Scope): string {
  const d = s.d;
  // Whether each customer is active at boundaries i and i + 1, in one pass over the activity spans.
  const pairs =
    s.model === 'subscription' ? boundaryPairs(s, mrrSpans(s, 'e.mrr'), 'sub_mrr') : boundaryPairs(s, orderSpans(s), '1');
  const rows = `SELECT customer_id, j AS i, CASE WHEN m0 > 0 THEN 1 ELSE 0 END AS at_start, CASE WHEN m0 > 0 AND m1 > 0 THEN 1 ELSE 0 END AS kept,
        CASE WHEN m1 > 0 THEN 1 ELSE 0 END AS at_end, 0 AS first_in
      FROM (${pairs}) p WHERE m0 > 0 OR m1 > 0
    UNION ALL
    SELECT f.customer_id AS customer_id, CAST(${s.bucket('f.first_at')} AS BIGINT) AS i, 0 AS at_start, 0 AS kept, 0 AS at_end, 1 AS first_in
      FROM (${firstActive(s)}) f WHERE ${s.inPeriod('f.first_at')}`;
  // Output names differ from every inner name: ClickHouse resolves an alias anywhere in the query.
  return `SELECT x.i AS bucket, ${s.segment('x.customer_id')} AS segment,
      sum(x.at_start) AS s, sum(x.kept) AS retained, sum(x.at_end) AS e, sum(x.first_in) AS nw, max(b.days) AS days
    FROM (${rows}) x ${d.join('inner')} ${s.bucketDays} b USING (i)
    GROUP BY bucket, segment`;
}

function parts(st: Stats): Record<string, number> {
  return { start: num(st, 's'), end: num(st, 'e'), new: num(st, 'nw'), retained: num(st, 'retained'), churned: num(st, 's') - num(st, 'retained') };
}

export const MODEL_TABLES = { subscription: ['subscription_events'], transactional: ['orders'] } as const;
const EMPTY = 'No customer was active at the start of the period, so there is no one to retain.';
const MODEL_NOTE =
  'Active by the workspace model: subscription (MRR > 0) when subscription data exists, else a completed order within the activity window. Customers who churn and come back within the period count as retained.';

export const retentionRate: MetricDef = {
  id: 'retention_rate',
  name: 'Customer retention rate',
  description: 'Share of customers active at the start of the period who are still active at its end.',
  formula: 'retained / |S| · 100, S = customers active at from, retained = those of S active at to (new customers are not counted)',
  unit: 'percent',
  direction: 'higher',
  tables: ['orders', 'subscription_events'],
  modelTables: MODEL_TABLES,
  teams: ['data', 'leadership'],
  reads: ['activity_window'],
  test: (st) => [num(st, 'retained'), num(st, 's')],
  convention: `${MODEL_NOTE} The band rates the annual equivalent, retention^(1/years) for the period's length in years (365.25 days).`,
  bandValue: (v) => v.parts?.annual_equivalent ?? null,
  benchmark: {
    bands: [
      { label: 'low', max: 70 },
      { label: 'typical', min: 70, max: 90 },
      { label: 'high', min: 90 },
    ],
    basis: 'year',
    source: `${SOURCE} (typically 70–90 % a year; subscription businesses higher)`,
  },
  sql: movementSql,
  finish: (st) => {
    const v = rate(num(st, 'retained'), num(st, 's'), EMPTY, { parts: parts(st) });
    if (v.value !== null) v.parts = { ...parts(st), annual_equivalent: annualEquivalent(v.value, num(st, 'days') / 365.25) };
    return v;
  },
};

/** Annual retention equivalent of a retention share over `years` years: r^(1/years). */
export const annualEquivalent = (retentionPercent: number, years: number): number => 100 * Math.pow(retentionPercent / 100, 1 / years);

/** Monthly churn equivalent of a churn share over `months` months: 1 − (1 − c)^(1/months). */
export const monthlyEquivalent = (churnPercent: number, months: number): number => 100 * (1 - Math.pow(1 - churnPercent / 100, 1 / months));

export const churnRate: MetricDef = {
  id: 'churn_rate',
  name: 'Customer churn rate',
  description: 'Share of customers active at the start of the period who are no longer active at its end.',
  formula: 'churned / |S| · 100 = 100 − retention rate; monthly equivalent 1 − (1 − churn)^(1/months)',
  unit: 'percent',
  direction: 'lower',
  tables: ['orders', 'subscription_events'],
  modelTables: MODEL_TABLES,
  teams: ['data', 'leadership'],
  reads: ['activity_window'],
  test: (st) => [num(st, 's') - num(st, 'retained'), num(st, 's')],
  convention: `${MODEL_NOTE} The band rates the monthly equivalent, 1 − (1 − churn)^(1/months) for the period's length in months (30.4375 days).`,
  bandValue: (v) => v.parts?.monthly_equivalent ?? null,
  benchmark: {
    bands: [
      { label: 'low', max: 1 },
      { label: 'typical', min: 1, max: 5 },
      { label: 'high', min: 5 },
    ],
    basis: 'month',
    source: `${SOURCE} (typically 1–5 % a month; competitive, low-barrier industries higher)`,
  },
  sql: movementSql,
  finish: (st): Value => {
    const v = rate(num(st, 's') - num(st, 'retained'), num(st, 's'), EMPTY, { parts: parts(st) });
    if (v.value !== null) v.parts = { ...parts(st), monthly_equivalent: monthlyEquivalent(v.value, num(st, 'days') / 30.4375) };
    return v;
  },
  variants: [
    {
      id: 'churn_average_base',
      name: 'Over the average customer count',
      reason: 'Divides by the average of the customers at the start and at the end, so growth in the period lowers it and shrinkage raises it.',
      finish: (st) => churnedOver(st, (num(st, 's') + num(st, 'e')) / 2, num(st, 's')),
    },
    {
      id: 'churn_with_new',
      name: 'Over start plus new customers',
      reason: 'New customers of the period join the denominator though none of them can count as churned, so it is lower wherever the period brings new customers.',
      finish: (st) => churnedOver(st, num(st, 's') + num(st, 'nw'), num(st, 's') + num(st, 'nw')),
    },
    {
      id: 'churn_compounded_monthly',
      name: 'Monthly rates compounded',
      reason: 'Each month’s churn over that month’s start, compounded as 1 − Π(1 − m): customers who leave and come back, and new customers who leave, count as churned, so it is higher over many months.',
      sql: movementSql,
      grain: 'month',
      finishRows: compoundedMonthly,
    },
  ],
};

/** Retain's churned customers (of those active at the start) over another base, in percent; n the customers the base counts. */
function churnedOver(st: Stats, base: number, n: number): Value {
  const v = ratio(num(st, 's') - num(st, 'retained'), base);
  return v === null ? { value: null, n: 0, note: EMPTY } : { value: 100 * v, n };
}

/** 1 − Π(1 − m) over the months with someone to retain; n the customers active at the period's start. */
function compoundedMonthly(rows: readonly { bucket: string; stats: Stats }[]): Value {
  const months = [...rows].sort((x, y) => x.bucket.localeCompare(y.bucket));
  const measured = months.filter((r) => num(r.stats, 's') > 0);
  if (!measured.length) return { value: null, n: 0, note: EMPTY };
  const kept = measured.reduce((p, r) => p * (num(r.stats, 'retained') / num(r.stats, 's')), 1);
  return { value: 100 * (1 - kept), n: num(months[0]!.stats, 's') };
}

export const RETENTION_METRICS: readonly MetricDef[] = [retentionRate, churnRate];
