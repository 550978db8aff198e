/** Customer lifetime value: historic (order value, purchase rate, churn, margin) and predictive (BG/NBD × Gamma-Gamma). */
import { ModelError } from '../../models/errors.js';
import { clvValue } from '../../models/clv-value.js';
import { loadValueRows } from '../../models/fit-workspace.js';
import { clvValueOffThread } from '../../models/off-thread.js';
import { binder, dateOfDay, dayNumber } from '../../models/queries.js';
import { getSettings } from '../../warehouse/schema/settings.js';
import { stat as num } from '../stats.js';
import type { MetricDef } from '../types.js';
import { completedOrders } from './orders.js';
import { movementSql } from './retention.js';

/** Lifetimes are capped: a period with (almost) no churn does not mean customers stay forever. */
export const MAX_LIFETIME_YEARS = 10;
const DAYS_PER_YEAR = 365.25;

export const clvHistoric: MetricDef = {
  id: 'clv_historic',
  noBenchmark: 'Money per customer: its level reflects prices, margins and the age of the customer base, not performance against peers.',
  name: 'Historic customer lifetime value',
  description: 'What a customer is worth from the period’s order value, purchase rate and churn, at the workspace gross margin.',
  formula: `AOV × purchases per customer per year × expected lifetime in years × gross margin; lifetime = 1 / annual churn (at most ${MAX_LIFETIME_YEARS} years), annual churn = 1 − (1 − churn)^(12 / months in the period)`,
  unit: 'money',
  direction: 'higher',
  tables: ['orders'],
  teams: ['data', 'leadership'],
  reads: ['activity_window', 'gross_margin'],
  convention: `Churn by the workspace model over the same period; gross_margin 1.0 gives revenue CLV. parts: aov, purchases_per_year, annual_churn (percent), lifetime_years.`,
  // The movements are retention's own query (run once for both); the orders' statistics join
  // their rows on bucket and segment.
  sql: movementSql,
  alsoSql: [
    (s) => `SELECT bucket, segment, sum(revenue) AS revenue, count(*) AS orders, count(DISTINCT customer_id) AS customers, ${Number(s.settings.grossMargin)} AS margin
      FROM (${completedOrders(s)}) x GROUP BY bucket, segment`,
  ],
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

/** Predictive CLV's horizon and monthly discount rate (the defaults of the spec and of lifetimes). */
export const CLV_HORIZON_MONTHS = 12;
export const CLV_MONTHLY_DISCOUNT = 0.01;

export const clvPredicted: MetricDef = {
  id: 'clv_predicted',
  noBenchmark: 'Money per customer forecast from the workspace’s own history: its level reflects prices and margins, so no band across businesses is meaningful.',
  name: 'Predictive customer lifetime value',
  description: 'What each customer is expected to bring over the next 12 months: BG/NBD purchases (with the chance they are still a customer) × Gamma-Gamma spend per purchase, discounted; the mean over customers (total in parts).',
  formula: `per customer: Σ_{m=1..${CLV_HORIZON_MONTHS}} (E[X(m)] − E[X(m−1)] | x, t_x, T) × E[spend | x, m̄] / (1 + ${CLV_MONTHLY_DISCOUNT})^m × gross margin; mean over customers`,
  unit: 'money',
  direction: 'higher',
  tables: ['orders'],
  teams: ['data', 'leadership'],
  reads: ['gross_margin'],
  noSeries: true,
  noSegments: true,
  convention: `Models fitted by maximum likelihood on completed orders up to the day before the period ends (calibration end), in days; all customers with a purchase by then; --where selects whose CLV is averaged. parts: total, and the bgnbd_* and gammagamma_* parameters.`,
  sql: () => '',
  finish: () => ({ value: null, n: 0 }),
  fromModel: async (wh, s, tables, options) => {
    const { timezone } = await getSettings(wh);
    const calibrationEnd = dateOfDay(dayNumber(s.period.to) - 1);
    const request = { calibrationEnd, timezone, timeUnit: 'day' } as const;
    // The fit is on every customer: the report's summary table serves it (RFM reads it too).
    const summaryTable = await tables?.summary(s, request);
    const fitRows = await loadValueRows(wh, binder(), { ...request, ...(summaryTable ? { table: summaryTable } : {}) });
    // The fit's own customers, unless --where picks some of them.
    const valued = s.keep('o.customer_id') === s.d.alwaysTrue ? undefined : await loadValueRows(wh, s, request);
    const input = { fit: fitRows, ...(valued ? { valued } : {}), calibrationEnd, timeUnit: 'day' as const, penalizer: options?.penalizer ?? 0, horizonMonths: CLV_HORIZON_MONTHS, monthlyDiscount: CLV_MONTHLY_DISCOUNT };
    let out;
    try {
      out = options?.offThread ? await clvValueOffThread(input) : clvValue(input);
    } catch (e) {
      if (e instanceof ModelError) return { value: null, n: 0, note: `The models cannot be fitted: ${e.message}` };
      throw e;
    }
    const { total, n } = out;
    if (!n) return { value: null, n: 0, note: 'No customer had bought by the end of the period.' };
    const margin = s.settings.grossMargin;
    const g = out.gammagamma;
    return {
      value: (margin * total) / n,
      n,
      parts: { total: margin * total, bgnbd_r: out.bgnbd.r, bgnbd_alpha: out.bgnbd.alpha, bgnbd_a: out.bgnbd.a, bgnbd_b: out.bgnbd.b, ...(g ? { gammagamma_p: g.p, gammagamma_q: g.q, gammagamma_gamma: g.gamma } : {}) },
      ...(g?.warning ? { note: g.warning } : {}),
    };
  },
};
