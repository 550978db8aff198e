/** Customer value from orders: AOV, purchase frequency, repeat and returning customers, upsell and cross-sell. */
import { kOfN, rate, ratio, stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { MetricDef, Stats } from '../types.js';

const SOURCE = 'Source notes (Malay and Thai marketing glossaries), METRICS.md';

/** Completed orders in the period, with bucket, segment and the amount in the reporting currency. */
export function completedOrders(s: Scope): string {
  return `SELECT ${s.bucket('o.ordered_at')} AS bucket, ${s.segment('o.customer_id')} AS segment, o.order_id, o.customer_id, o.ordered_at,
      CAST(o.amount AS DOUBLE) * o._rate AS revenue
    FROM ${s.d.table('orders')} o WHERE o.status = 'completed' AND ${s.inPeriod('o.ordered_at')} AND ${s.keep('o.customer_id')}`;
}

/** Per bucket, segment and customer: orders placed; and per customer over the period (a NULL bucket), in the same pass. */
const perCustomer = (s: Scope) => s.groupWithPeriod(['segment', 'customer_id'], 'count(*) AS orders', `(${completedOrders(s)}) o`);

/**
 * Ordering customers (n), their orders (ordered), and those with two or more (k): one query that
 * purchase frequency and the repeat purchase rate share through the report cache. (Not `sum(orders)
 * AS orders`: ClickHouse would read that alias inside countIf.)
 */
const customerOrders = (s: Scope) =>
  `SELECT bucket, segment, count(*) AS n, sum(orders) AS ordered, ${s.d.countIf('orders >= 2')} AS k FROM (${perCustomer(s)}) c GROUP BY bucket, segment`;

/**
 * The period's ordering customers (n) and those of them with two or more completed orders over
 * their whole history up to the period's end (k): the repeat purchase rate of tools that count
 * every earlier order.
 */
const customerHistories = (s: Scope) => {
  const d = s.d;
  const buyers = `SELECT bucket, segment, customer_id FROM (${completedOrders(s)}) o GROUP BY bucket, segment, customer_id`;
  const history = `SELECT customer_id, count(*) AS lifetime_orders FROM ${d.table('orders')} h
    WHERE h.status = 'completed' AND h.ordered_at < ${s.to} AND ${s.keep('h.customer_id')} GROUP BY customer_id`;
  return `SELECT bucket, segment, count(*) AS n, ${d.countIf('lifetime_orders >= 2')} AS k
    FROM (${buyers}) b ${d.join('inner')} (${history}) h USING (customer_id) GROUP BY bucket, segment`;
};

export const aov: MetricDef = {
  id: 'aov',
  statsAdditive: true,
  name: 'Average order value',
  description: 'Revenue per completed order.',
  formula: 'AOV = completed order revenue / completed orders (reporting currency)',
  unit: 'money',
  direction: 'higher',
  tables: ['orders'],
  teams: ['sales', 'leadership'],
  benchmark: {
    bands: [
      { label: 'below typical', max: 50 },
      { label: 'typical', min: 50, max: 200 },
      { label: 'above typical', min: 200 },
    ],
    source: `${SOURCE} (USD; luxury and B2B run higher)`,
  },
  convention: 'Cancelled orders are ignored; refunds are returns and do not lower AOV.',
  sql: (s) => `SELECT bucket, segment, count(*) AS n, sum(revenue) AS revenue FROM (${completedOrders(s)}) o GROUP BY bucket, segment`,
  finish: (st) => {
    const v = ratio(num(st, 'revenue'), num(st, 'n'));
    return v === null ? { value: null, n: 0, note: 'No completed orders in the period.' } : { value: v, n: num(st, 'n'), parts: { revenue: num(st, 'revenue') } };
  },
};

export const purchaseFrequency: MetricDef = {
  id: 'purchase_frequency',
  noBenchmark: 'Orders per customer depend on the period’s length and on how often the product is needed; no public benchmark states a period and a category.',
  periodInSeries: true,
  name: 'Purchase frequency',
  description: 'Completed orders per ordering customer.',
  formula: 'completed orders / distinct ordering customers, in the period',
  unit: 'ratio',
  direction: 'higher',
  tables: ['orders'],
  teams: ['sales'],
  sql: customerOrders,
  finish: (st) => {
    const v = ratio(num(st, 'ordered'), num(st, 'n'));
    return v === null ? { value: null, n: 0, note: 'No completed orders in the period.' } : { value: v, n: num(st, 'n') };
  },
};

export const repeatPurchaseRate: MetricDef = {
  id: 'repeat_purchase_rate',
  periodInSeries: true,
  name: 'Repeat purchase rate',
  description: 'Share of ordering customers who ordered at least twice in the period.',
  formula: 'customers with ≥ 2 completed orders / customers with ≥ 1, in the period · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['orders'],
  teams: ['sales', 'leadership'],
  test: kOfN,
  benchmark: {
    bands: [
      { label: 'low', max: 20 },
      { label: 'typical', min: 20, max: 50 },
      { label: 'strong', min: 50 },
    ],
    source: `${SOURCE} (strong consumer brands and retail run higher)`,
  },
  sql: customerOrders,
  finish: (st) => proportion(st, 'No completed orders in the period.'),
  variants: [
    {
      id: 'repeat_purchase_lifetime',
      name: 'Over the whole history',
      reason: 'Orders before the period count too: a customer ordering once in the period who had ordered before is a repeat buyer, so it is higher.',
      sql: customerHistories,
      finish: (st) => proportion(st, 'No completed orders in the period.'),
    },
  ],
};

export const returningCustomerRate: MetricDef = {
  id: 'returning_customer_rate',
  noBenchmark: 'Depends on the period’s length and the purchase cycle; no public benchmark with this definition (ordered before the period began) exists.',
  periodInSeries: true,
  name: 'Returning customer rate',
  description: 'Share of ordering customers who had ordered before the period (or bucket) began.',
  formula: 'ordering customers with a completed order before the start / ordering customers · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['orders'],
  teams: ['sales', 'marketing'],
  test: kOfN,
  sql: (s) => {
    // A customer's first completed order ever; they are returning in a bucket when it lies
    // before that bucket (outside the period, or in an earlier bucket of it), and in the period
    // (NULL bucket) when it lies before the period.
    const first = `SELECT customer_id, min(ordered_at) AS first_ever FROM ${s.d.table('orders')} f WHERE f.status = 'completed' GROUP BY customer_id`;
    return `SELECT bucket, segment, count(*) AS n, ${s.d.countIf(`NOT ${s.inPeriod('first_ever')} OR (bucket IS NOT NULL AND ${s.bucket('first_ever')} <> bucket)`)} AS k
      FROM (SELECT c.bucket AS bucket, c.segment AS segment, f.first_ever AS first_ever FROM (${perCustomer(s)}) c ${s.d.join('inner')} (${first}) f USING (customer_id)) r
      GROUP BY bucket, segment`;
  },
  finish: (st) => proportion(st, 'No completed orders in the period.'),
};

/**
 * Customers' distinct product categories bought (0, 1 or 2 meaning two or more) and units bought
 * (an order without lines adds none: 0, not NULL, which ClickHouse will not cast to a number),
 * in each bucket and, in the same pass (a NULL bucket: the period), over the whole period — one
 * join of the order lines, not two. Only 0, 1 or ≥ 2 categories matter, and min/max tell them
 * apart: a third cheaper than counting the distinct categories of 13M order lines a year at a
 * million customers.
 */
const categories = (s: Scope) =>
  s.groupWithPeriod(
    ['segment', 'customer_id'],
    'CASE WHEN min(category) IS NULL THEN 0 WHEN min(category) = max(category) THEN 1 ELSE 2 END AS categories, sum(line_units) AS units',
    `(SELECT o.bucket AS bucket, o.segment AS segment, o.customer_id AS customer_id, i.category AS category, CAST(coalesce(i.quantity, 0) AS DOUBLE) AS line_units FROM (${completedOrders(s)}) o
      ${s.d.join('left')} (SELECT order_id, category, quantity FROM ${s.d.table('order_items')} i) i USING (order_id)) oi`,
  );

/**
 * Per bucket (and the period, a NULL bucket): ordering customers (n), those with two or more
 * categories (k, also multi), with exactly one, and with any (categorised), and the units sold
 * (sold). Upsell and cross-sell read the customers, the return rate the units: the order lines
 * are joined once.
 */
export const orderLineStats = (s: Scope) => `SELECT bucket, segment, count(*) AS n, ${s.d.countIf('categories >= 2')} AS k,
    ${s.d.countIf('categories >= 2')} AS multi, ${s.d.countIf('categories = 1')} AS single, ${s.d.countIf('categories >= 1')} AS categorised, sum(units) AS sold
  FROM (${categories(s)}) c GROUP BY bucket, segment`;

export const upsellRatio: MetricDef = {
  id: 'upsell_ratio',
  noBenchmark: 'Depends on how the catalogue is split into categories, which differs from shop to shop; no public benchmark exists.',
  name: 'Upsell ratio',
  description: 'Customers buying from two or more product categories per customer buying from exactly one.',
  formula: 'customers with ≥ 2 distinct categories / customers with exactly 1, in the period',
  unit: 'ratio',
  direction: 'higher',
  tables: ['orders', 'order_items'],
  teams: ['sales'],
  periodInSeries: true,
  convention: 'Categories come from order lines of completed orders; lines without a category are not counted.',
  sql: orderLineStats,
  finish: (st) => {
    if (uncategorised(st)) return { value: null, n: 0, note: NO_CATEGORY };
    const v = ratio(num(st, 'multi'), num(st, 'single'));
    return v === null ? { value: null, n: num(st, 'multi'), note: 'No customer bought from exactly one category in the period.' } : { value: v, n: num(st, 'multi') + num(st, 'single') };
  },
};

export const crossSellRate: MetricDef = {
  id: 'cross_sell_rate',
  noBenchmark: 'Depends on how many categories the catalogue has and how they are drawn; no public benchmark states a category scheme.',
  name: 'Cross-sell rate',
  description: 'Share of ordering customers who bought from two or more product categories.',
  formula: 'customers with ≥ 2 distinct categories / ordering customers · 100, in the period',
  unit: 'percent',
  direction: 'higher',
  tables: ['orders', 'order_items'],
  teams: ['sales'],
  periodInSeries: true,
  test: kOfN,
  sql: orderLineStats,
  // 0 % would say no one bought across categories, when no line says what category it is.
  finish: (st) => (uncategorised(st) ? { value: null, n: 0, note: NO_CATEGORY } : proportion(st, 'No completed orders in the period.')),
};

const uncategorised = (st: Stats) => num(st, 'n') > 0 && num(st, 'categorised') === 0;
const NO_CATEGORY = 'Unavailable: no order line in the period has a product category, so buying across categories cannot be seen. Import order lines with their category.';

/** The statistics k of n as a rate; null with a note when n is 0. */
const proportion = (st: Stats, empty: string) => rate(...kOfN(st), empty);

export const ORDER_METRICS: readonly MetricDef[] = [aov, purchaseFrequency, repeatPurchaseRate, returningCustomerRate, upsellRatio, crossSellRate];
