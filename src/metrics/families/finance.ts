/** Finance signals of retention: product return rate and days sales outstanding. */
import { ratio, stat as num } from '../stats.js';
import type { MetricDef } from '../types.js';
import { orderLineStats } from './orders.js';

export const returnRate: MetricDef = {
  id: 'return_rate',
  name: 'Product return rate',
  description: 'Units returned as a share of units sold.',
  formula: 'units returned (by return date) / units sold in completed orders (by order date), in the period · 100',
  unit: 'percent',
  direction: 'lower',
  tables: ['returns', 'order_items', 'orders'],
  teams: ['sales', 'data'],
  convention:
    'Returns count by the date they came back, sales by the order date; a return of an earlier sale counts in the period it came back, and so does a return that names its customer but no order (a credit note).',
  benchmark: {
    bands: [
      { label: 'store-like', max: 9 },
      { label: 'typical online', min: 9, max: 20 },
      { label: 'high', min: 20 },
    ],
    source: 'Source notes (Malay and Thai marketing glossaries), METRICS.md (B2C about 9 % in store and 20 % online)',
  },
  // Units sold come from the order-line statistics upsell and cross-sell read (the report runs
  // that join of the order lines once); units returned from the returns, joined to their orders
  // for the customer (any order, however old), per bucket and over the period in one pass; a
  // return without an order (a credit note naming only its customer) counts by its return date
  // for its own customer. A union rather than a left join: ClickHouse 18.16 fills a left join's
  // missing side with defaults, not NULLs. A full join: a segment with returns and no sales is listed (without a rate), as before.
  periodInSeries: true,
  sql: orderLineStats,
  alsoSql: [
    (s) =>
      s.groupWithPeriod(
        ['segment'],
        'sum(units_back) AS returned',
        `(SELECT ${s.bucket('returned_at')} AS bucket, ${s.segment('customer_id')} AS segment, CAST(quantity AS DOUBLE) AS units_back FROM (
            SELECT r.returned_at AS returned_at, o.customer_id AS customer_id, r.quantity AS quantity
            FROM (SELECT order_id, returned_at, quantity FROM ${s.d.table('returns')} r WHERE r.order_id IS NOT NULL AND ${s.inPeriod('r.returned_at')}) r
            ${s.d.join('inner')} (SELECT order_id, customer_id FROM ${s.d.table('orders')} o WHERE ${s.keep('o.customer_id')}) o USING (order_id)
            UNION ALL
            SELECT r.returned_at AS returned_at, r.customer_id AS customer_id, r.quantity AS quantity FROM ${s.d.table('returns')} r
            WHERE r.order_id IS NULL AND r.customer_id IS NOT NULL AND ${s.inPeriod('r.returned_at')} AND ${s.keep('r.customer_id')}) ru) rr`,
      ),
  ],
  alsoJoin: 'full',
  finish: (st) => {
    const v = ratio(num(st, 'returned'), num(st, 'sold'));
    return v === null ? { value: null, n: 0, note: 'No units sold in the period.' } : { value: 100 * v, n: num(st, 'sold'), parts: { returned: num(st, 'returned'), sold: num(st, 'sold') } };
  },
};

export const dso: MetricDef = {
  id: 'dso',
  noBenchmark: 'Set by the payment terms the business offers (net 30, net 60, …): a band is meaningful only against those terms, which a workspace does not record.',
  name: 'Days sales outstanding',
  description: 'How many days of credit sales are waiting to be paid.',
  formula: 'receivables at to / credit sales in the period × days in the period',
  unit: 'days',
  direction: 'lower',
  tables: ['invoices'],
  teams: ['data', 'leadership'],
  convention: 'Receivables are invoiced amounts issued before the end and not paid by it (less any amount paid by then); credit sales are invoices issued in the period.',
  // Each invoice counts by boundary index: issued at i (= bucket i − 1's sales), owed from i on,
  // its payment deducted from the boundary after both issue and payment; balances at each end
  // are sums up to it — no join of every invoice with every boundary.
  sql: (s) => {
    const d = s.d;
    const amount = 'CAST(v.amount AS DOUBLE) * v._rate';
    const paid = 'CAST(coalesce(v.paid_amount, v.amount) AS DOUBLE) * v._rate';
    const issued = s.boundaryIndex('v.issued_at');
    const paidFrom = `greatest(${issued}, ${s.boundaryIndex('v.paid_at')})`;
    const inv = `SELECT ${s.segment('v.customer_id')} AS segment, CAST(${issued} AS BIGINT) AS lo, ${amount} AS billed,
          CASE WHEN v.paid_at IS NULL THEN NULL ELSE CAST(${paidFrom} AS BIGINT) END AS paid_lo, ${paid} AS settled
        FROM ${d.table('invoices')} v WHERE v.issued_at < ${s.to} AND ${s.keep('v.customer_id')}`;
    const steps = `SELECT lo, ${s.boundaryCount} AS hi, segment, owed, issued FROM (
        SELECT lo, segment, sum(billed) AS owed, CAST(count(*) AS BIGINT) AS issued FROM (${inv}) v1 GROUP BY lo, segment
        UNION ALL
        SELECT coalesce(paid_lo, 0) AS lo, segment, -sum(settled) AS owed, CAST(0 AS BIGINT) AS issued FROM (${inv}) v2 WHERE paid_lo IS NOT NULL GROUP BY coalesce(paid_lo, 0), segment) u`;
    return `SELECT a.bucket AS bucket, a.segment AS segment, a.sales AS sales, a.receivables AS receivables, a.n AS n, b.days AS days FROM (
        SELECT CAST(i - 1 AS BIGINT) AS bucket, segment, coalesce(sum(CASE WHEN lo = i AND issued > 0 THEN owed END), 0) AS sales,
          sum(owed) AS receivables, coalesce(sum(CASE WHEN lo = i THEN issued END), 0) AS n
        FROM (${s.spread(steps)}) x WHERE i >= 1 GROUP BY bucket, segment) a
      ${d.join('inner')} (SELECT i AS bucket, days FROM ${s.bucketDays} bd) b USING (bucket)`;
  },
  finish: (st) => {
    const v = ratio(num(st, 'receivables'), num(st, 'sales'));
    return v === null
      ? { value: null, n: 0, note: 'No credit sales (invoices) in the period.' }
      : { value: v * num(st, 'days'), n: num(st, 'n'), parts: { receivables: num(st, 'receivables'), credit_sales: num(st, 'sales'), days: num(st, 'days') } };
  },
};

export const FINANCE_METRICS: readonly MetricDef[] = [returnRate, dso];
