/**
 * Subscription revenue (ChartMogul conventions, METRICS.md): each customer's MRR is a step
 * function of their subscriptions' changes. Between a bucket's two end instants every customer's
 * change is one of new (0 → >0, first time), expansion, contraction, churn (>0 → 0) or
 * reactivation (0 → >0 after an earlier churn); the five sum to the change in MRR.
 */
import { ratio, stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import { boundaryPairs, mrrSpans } from './retention.js';
import type { Benchmark, MetricDef, Stats, Value } from '../types.js';


// SaaS Capital's survey medians by annual contract value (companies above $1M ARR): NRR from
// 100 % (contracts under $12k) to 110 % (over $250k), GRR from 90 % to 93 %. The revenue churns
// are their complements (100 − NRR, 100 − GRR). Annual figures: they rate a 12-month period.
const SAAS_CAPITAL = 'SaaS Capital, 2023 B2B SaaS Retention Benchmarks (Research Brief 28; medians by annual contract value, companies above $1M ARR; annual figures, so they rate a 12-month period)';
/** Three bands around the range of the medians [low, high). */
const aroundMedians = (low: number, high: number, source: string, fact?: string): Benchmark => ({
  bands: [
    { label: 'below the medians', max: low },
    { label: 'within the medians', min: low, max: high },
    { label: 'above the medians', min: high },
  ],
  source,
  basis: 'year',
  ...(fact ? { facts: [fact] } : {}),
});
const NRR_BENCHMARK = aroundMedians(100, 110, SAAS_CAPITAL, 'Median NRR rises with the contract value: 100 % under $12k a year, 110 % over $250k.');
const GRR_BENCHMARK = aroundMedians(90, 93, SAAS_CAPITAL, 'Median GRR is nearly flat across contract values, 90–93 %.');
const NET_REVENUE_CHURN_BENCHMARK = aroundMedians(-10, 0, `${SAAS_CAPITAL}, as 100 − NRR`);
const GROSS_REVENUE_CHURN_BENCHMARK = aroundMedians(7, 10, `${SAAS_CAPITAL}, as 100 − GRR`);


/** Per bucket and segment: MRR at start and end, the five movements (losses negative), customers. */
function movementsSql(s: Scope): string {
  const d = s.d;
  // Each customer's MRR at boundaries j and j + 1 (0 where not paying).
  const pairs = boundaryPairs(s, mrrSpans(s, 'CAST(e.mrr AS DOUBLE) * e._rate'), 'sub_mrr');
  const firsts = `SELECT customer_id, min(occurred_at) AS first_paid FROM ${d.table('subscription_events')} e WHERE mrr > 0 GROUP BY customer_id`;
  const withFirst = `SELECT p.customer_id AS customer_id, p.j AS j, p.m0 AS m0, p.m1 AS m1, f.first_paid AS first_paid
    FROM (${pairs}) p ${d.join('left')} (${firsts}) f USING (customer_id)`;
  return `SELECT pf.j AS bucket, ${s.segment('pf.customer_id')} AS segment,
      sum(pf.m0) AS mrr_start, sum(pf.m1) AS mrr_end,
      ${d.countIf('pf.m0 > 0')} AS customers_start, ${d.countIf('pf.m1 > 0')} AS customers_end,
      ${d.sumIf('pf.m1', 'pf.m0 = 0 AND pf.m1 > 0 AND (pf.first_paid IS NULL OR pf.first_paid >= lb.instant)')} AS new,
      ${d.sumIf('pf.m1 - pf.m0', 'pf.m0 > 0 AND pf.m1 > pf.m0')} AS expansion,
      ${d.sumIf('pf.m1 - pf.m0', 'pf.m0 > 0 AND pf.m1 > 0 AND pf.m1 < pf.m0')} AS contraction,
      ${d.sumIf('-pf.m0', 'pf.m0 > 0 AND pf.m1 = 0')} AS churn,
      ${d.sumIf('pf.m1', 'pf.m0 = 0 AND pf.m1 > 0 AND pf.first_paid < lb.instant')} AS reactivation,
      ${d.sumIf('pf.m1', 'pf.m0 > 0')} AS existing_end
    FROM (${withFirst}) pf ${d.join('inner')} (SELECT CAST(i AS BIGINT) AS j, instant, label FROM ${s.boundaries} b0 WHERE label <> 'end') lb USING (j)
    GROUP BY bucket, segment`;
}

const movements = (st: Stats) => ({
  new: num(st, 'new'),
  expansion: num(st, 'expansion'),
  contraction: num(st, 'contraction'),
  churn: num(st, 'churn'),
  reactivation: num(st, 'reactivation'),
});

const NO_START = 'No MRR at the start of the period to measure against.';
const base = {
  tables: ['subscription_events'] as const,
  sql: movementsSql,
};

/** A share of the starting MRR, in percent; null with a note when there was none. */
function ofStart(st: Stats, amount: number): Value {
  const v = ratio(amount, num(st, 'mrr_start'));
  return v === null ? { value: null, n: 0, note: NO_START } : { value: 100 * v, n: num(st, 'customers_start'), parts: { mrr_start: num(st, 'mrr_start'), ...movements(st) } };
}

export const mrr: MetricDef = {
  ...base,
  id: 'mrr',
  noBenchmark: 'A money total: its level reflects the size of the business, not how well it keeps customers.',
  name: 'MRR',
  description: 'Monthly recurring revenue at the end of the period (each bucket’s end in a series).',
  formula: 'Σ over customers of the summed MRR of their subscriptions, each at its latest change before the instant',
  unit: 'money',
  direction: 'higher',
  teams: ['leadership', 'data'],
  finish: (st) => ({ value: num(st, 'mrr_end'), n: num(st, 'customers_end'), parts: { mrr_start: num(st, 'mrr_start') } }),
};

export const mrrMovements: MetricDef = {
  ...base,
  id: 'mrr_movements',
  noBenchmark: 'Money totals of the movements: their level reflects the size of the business. The rates built on them (gross and net revenue churn, NRR, GRR) have bands.',
  name: 'MRR movements',
  description: 'The change in MRR split into new, expansion, contraction, churn and reactivation.',
  formula: 'each customer’s change between the period’s two end instants, classified; new + expansion + contraction + churn + reactivation = MRR change',
  unit: 'money',
  direction: 'higher',
  teams: ['leadership', 'data'],
  convention: 'The value is the net change; parts hold the movements with losses (contraction, churn) negative, so they sum to it.',
  finish: (st) => {
    const mv = movements(st);
    return { value: num(st, 'mrr_end') - num(st, 'mrr_start'), n: num(st, 'customers_start') + num(st, 'customers_end'), parts: mv };
  },
};

export const revenueChurnGross: MetricDef = {
  ...base,
  id: 'revenue_churn_gross',
  benchmark: GROSS_REVENUE_CHURN_BENCHMARK,
  name: 'Gross revenue churn',
  description: 'MRR lost to churn and contraction, as a share of the MRR at the start.',
  formula: '(churned + contraction MRR) / MRR at from · 100',
  unit: 'percent',
  direction: 'lower',
  teams: ['leadership', 'data'],
  finish: (st) => ofStart(st, -(num(st, 'churn') + num(st, 'contraction'))),
};

export const revenueChurnNet: MetricDef = {
  ...base,
  id: 'revenue_churn_net',
  benchmark: NET_REVENUE_CHURN_BENCHMARK,
  name: 'Net revenue churn',
  description: 'MRR lost to churn and contraction less expansion, as a share of the MRR at the start; negative when expansion outweighs losses.',
  formula: '(churned + contraction − expansion MRR) / MRR at from · 100 (new and reactivated customers excluded)',
  unit: 'percent',
  direction: 'lower',
  teams: ['leadership', 'data'],
  finish: (st) => ofStart(st, -(num(st, 'churn') + num(st, 'contraction')) - num(st, 'expansion')),
};

export const nrr: MetricDef = {
  ...base,
  id: 'nrr',
  benchmark: NRR_BENCHMARK,
  name: 'Net revenue retention',
  description: 'MRR kept from the customers of the start of the period, with their expansion: 100 − net revenue churn.',
  formula: '100 − net revenue churn',
  unit: 'percent',
  direction: 'higher',
  teams: ['leadership'],
  finish: (st) => minus100(revenueChurnNet.finish(st)),
  variants: [
    {
      id: 'nrr_with_reactivation',
      name: 'Reactivation counted as expansion',
      reason: 'MRR of customers who come back after churning is added as if existing customers had grown, so it is higher wherever churned customers return.',
      // The MRR at the start, with every movement of its customers and the reactivations, as a share of it.
      finish: (st) => ofStart(st, num(st, 'mrr_start') + num(st, 'churn') + num(st, 'contraction') + num(st, 'expansion') + num(st, 'reactivation')),
    },
  ],
};

export const grr: MetricDef = {
  ...base,
  id: 'grr',
  benchmark: GRR_BENCHMARK,
  name: 'Gross revenue retention',
  description: 'MRR kept from the customers of the start of the period, without expansion: 100 − gross revenue churn.',
  formula: '100 − gross revenue churn',
  unit: 'percent',
  direction: 'higher',
  teams: ['leadership'],
  finish: (st) => minus100(revenueChurnGross.finish(st)),
};

/**
 * Transactional form: revenue in the bucket from customers who had ordered before it began,
 * against the same customers' revenue in the window of equal length just before.
 */
function existingOrdersSql(s: Scope): string {
  const d = s.d;
  const firsts = `SELECT customer_id, min(ordered_at) AS first_ever FROM ${d.table('orders')} f WHERE f.status = 'completed' GROUP BY customer_id`;
  const orders = `SELECT o.customer_id AS customer_id, o.ordered_at AS ordered_at, CAST(o.amount AS DOUBLE) * o._rate AS revenue, f.first_ever AS first_ever
    FROM (SELECT customer_id, ordered_at, amount, _rate FROM ${d.table('orders')} o0 WHERE o0.status = 'completed' AND o0.ordered_at < ${s.to} AND ${s.keep('o0.customer_id')}) o
    ${d.join('inner')} (${firsts}) f USING (customer_id)`;
  // Each bucket meets the orders of its own span and of the span of equal length just before it
  // (a few buckets against the orders: a cross join filtered by range).
  const spans = `SELECT i, lo_at, hi_at, ${d.mirrorBefore('lo_at', 'hi_at')} AS prev_at FROM ${s.bucketEdges} e`;
  return `SELECT b.i AS bucket, ${s.segment('x.customer_id')} AS segment,
      ${d.sumIf('x.revenue', 'x.ordered_at >= b.lo_at')} AS current, ${d.sumIf('x.revenue', 'x.ordered_at < b.lo_at')} AS previous,
      count(DISTINCT x.customer_id) AS customers
    FROM (${orders}) x ${d.join('cross')} (${spans}) b
    WHERE x.ordered_at >= b.prev_at AND x.ordered_at < b.hi_at AND x.first_ever < b.lo_at
    GROUP BY bucket, segment`;
}

export const existingRevenueGrowth: MetricDef = {
  id: 'existing_revenue_growth',
  noBenchmark: 'No public benchmark with this definition (existing customers’ revenue against the window just before) exists; for subscriptions NRR has bands.',
  name: 'Existing-customer revenue growth',
  description: 'How the revenue from customers who were already customers at the start of the period changed.',
  formula:
    'subscription: (MRR at to of customers in S − MRR at from) / MRR at from · 100 (= NRR − 100); transactional: (revenue in the period − revenue in the previous period of equal length) / the latter · 100, both from customers who ordered before from',
  unit: 'percent',
  direction: 'higher',
  tables: ['subscription_events', 'orders'],
  modelTables: { subscription: ['subscription_events'], transactional: ['orders'] },
  teams: ['leadership', 'sales'],
  convention: 'Follows the workspace model; in the transactional form the previous period is the window of equal length just before.',
  sql: (s) => (s.model === 'subscription' ? movementsSql(s) : existingOrdersSql(s)),
  finish: (st) => {
    if (!('previous' in st) && !('mrr_start' in st)) return { value: null, n: 0, note: 'No existing customers to compare in the period.' };
    if ('previous' in st) {
      const v = ratio(num(st, 'current') - num(st, 'previous'), num(st, 'previous'));
      return v === null
        ? { value: null, n: num(st, 'customers'), note: 'The customers of the start bought nothing in the previous period.' }
        : { value: 100 * v, n: num(st, 'customers'), parts: { current: num(st, 'current'), previous: num(st, 'previous') } };
    }
    return ofStart(st, num(st, 'existing_end') - num(st, 'mrr_start'));
  },
};

function minus100(v: Value): Value {
  return v.value === null ? v : { ...v, value: 100 - v.value };
}

export const REVENUE_METRICS: readonly MetricDef[] = [mrr, mrrMovements, revenueChurnGross, revenueChurnNet, nrr, grr, existingRevenueGrowth];
