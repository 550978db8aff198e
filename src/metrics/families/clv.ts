/** Historic customer lifetime value from order value, purchase rate, churn and margin. */
import { stat as num } from '../stats.js';
import type { MetricDef } from '../types.js';
import { completedOrders } from './orders.js';
import { movementSql } from './retention.js';

/** Lifetimes are capped: a period with (almost) no churn does not mean customers stay forever. */
export const MAX_LIFETIME_YEARS = 10;
const DAYS_PER_YEAR = 365.25;

export const clvHistoric: MetricDef = {
  id: 'clv_historic',
  name: 'Historic customer lifetime value',
  description: 'What a customer is worth from the period’s order value, purchase rate and churn, at the workspace gross margin.',
  formula: `AOV × purchases per customer per year × expected lifetime in years × gross margin; lifetime = 1 / annual churn (at most ${MAX_LIFETIME_YEARS} years), annual churn = 1 − (1 − churn)^(12 / months in the period)`,
  unit: 'money',
  direction: 'higher',
  tables: ['orders'],
  teams: ['data', 'leadership'],
  convention: `Churn by the workspace model over the same period; gross_margin 1.0 gives revenue CLV. parts: aov, purchases_per_year, annual_churn (percent), lifetime_years.`,
  sql: (s) => `SELECT m.bucket, m.segment, m.s, m.retained, m.days, o.revenue, o.orders, o.customers, ${Number(s.settings.grossMargin)} AS margin
    FROM (${movementSql(s)}) m
    LEFT JOIN (SELECT bucket, segment, sum(revenue) AS revenue, count(*) AS orders, count(DISTINCT customer_id) AS customers
      FROM (${completedOrders(s)}) x GROUP BY 1, 2) o ON o.bucket = m.bucket AND o.segment IS NOT DISTINCT FROM m.segment`,
  finish: (st) => {
    const [orders, customers, start, days] = [num(st, 'orders'), num(st, 'customers'), num(st, 's'), num(st, 'days')];
    if (orders === 0 || customers === 0) return { value: null, n: 0, note: 'No completed orders in the period.' };
    if (start === 0 || days === 0) return { value: null, n: customers, note: 'No customer was active at the start of the period, so churn is unknown.' };
    const aov = num(st, 'revenue') / orders;
    const perYear = (orders / customers) * (DAYS_PER_YEAR / days);
    const churn = (start - num(st, 'retained')) / start;
    const annual = 1 - Math.pow(1 - churn, 12 / (days / 30.4375));
    const lifetime = annual > 0 ? Math.min(MAX_LIFETIME_YEARS, 1 / annual) : MAX_LIFETIME_YEARS;
    return {
      value: aov * perYear * lifetime * num(st, 'margin'),
      n: customers,
      parts: { aov, purchases_per_year: perYear, annual_churn: 100 * annual, lifetime_years: lifetime },
    };
  },
};
