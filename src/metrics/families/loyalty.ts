/** The loyalty programme: redemption, active engagement, participation and the points liability. */
import { kOfN, rate, ratio, stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { MetricDef, Stats } from '../types.js';


/** Customers known at each bucket's end (the denominator of the programme's reach). */
const customersAtEnd = (s: Scope, alias: string) =>
  `(SELECT count(*) FROM customers c2 WHERE c2.created_at < ${alias}.instant AND ${s.keep('c2.customer_id')})`;

export const redemptionRate: MetricDef = {
  id: 'redemption_rate',
  statsAdditive: true,
  name: 'Redemption rate',
  description: 'Points redeemed as a share of points issued in the period.',
  formula: 'points redeemed / points earned, in the period · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['loyalty_ledger'],
  teams: ['marketing'],
  sql: (s) => `SELECT ${s.bucket('l.occurred_at')} AS bucket, ${s.segment('l.customer_id')} AS segment,
      ${s.d.sumIf('CAST(l.points AS DOUBLE)', "l.kind = 'redeem'")} AS redeemed, ${s.d.sumIf('CAST(l.points AS DOUBLE)', "l.kind = 'earn'")} AS issued
    FROM loyalty_ledger l WHERE ${s.inPeriod('l.occurred_at')} AND ${s.keep('l.customer_id')} GROUP BY 1, 2`,
  finish: (st) => {
    const v = ratio(num(st, 'redeemed'), num(st, 'issued'));
    return v === null ? { value: null, n: 0, note: 'No points were issued in the period.' } : { value: 100 * v, n: num(st, 'issued'), parts: { redeemed: num(st, 'redeemed'), issued: num(st, 'issued') } };
  },
};

export const activeEngagementRate: MetricDef = {
  id: 'active_engagement_rate',
  name: 'Active engagement rate',
  description: 'Programme members who earned or redeemed points in the period, as a share of all customers.',
  formula: 'members with an earn or redeem entry in the period / customers created before to · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['loyalty_ledger', 'customers'],
  teams: ['marketing'],
  test: kOfN,
  sql: (s) => `WITH bounds AS (SELECT * FROM ${s.boundaries})
    SELECT lb.i AS bucket, CAST(NULL AS VARCHAR) AS segment,
      (SELECT count(DISTINCT l.customer_id) FROM loyalty_ledger l WHERE l.kind IN ('earn', 'redeem')
        AND l.occurred_at >= lb.instant AND l.occurred_at < hb.instant AND ${s.keep('l.customer_id')}) AS k,
      ${customersAtEnd(s, 'hb')} AS n
    FROM bounds lb JOIN bounds hb ON hb.i = lb.i + 1`,
  finish: (st) => proportion(st, 'No customers before the end of the period.'),
};

export const participationRate: MetricDef = {
  id: 'participation_rate',
  name: 'Participation rate',
  description: 'Programme members at the end of the period as a share of all customers then.',
  formula: 'members at to (joined before, not left) / customers created before to · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['loyalty_members', 'customers'],
  teams: ['marketing', 'leadership'],
  test: kOfN,
  sql: (s) => `WITH bounds AS (SELECT * FROM ${s.boundaries})
    SELECT lb.i AS bucket, CAST(NULL AS VARCHAR) AS segment,
      (SELECT count(*) FROM loyalty_members m WHERE m.joined_at < hb.instant AND (m.left_at IS NULL OR m.left_at >= hb.instant)
        AND ${s.keep('m.customer_id')}) AS k,
      ${customersAtEnd(s, 'hb')} AS n
    FROM bounds lb JOIN bounds hb ON hb.i = lb.i + 1`,
  finish: (st) => proportion(st, 'No customers before the end of the period.'),
};

export const pointsLiability: MetricDef = {
  id: 'points_liability',
  name: 'Outstanding points',
  description: 'Points issued and not yet redeemed or expired, at the end of the period.',
  formula: 'earned + adjustments − redeemed − expired, over entries before to',
  unit: 'count',
  direction: 'lower',
  tables: ['loyalty_ledger'],
  teams: ['data', 'leadership'],
  convention: 'Adjustments add points.',
  sql: (s) => `WITH bounds AS (SELECT * FROM ${s.boundaries})
    SELECT lb.i AS bucket, CAST(NULL AS VARCHAR) AS segment,
      coalesce(sum(CASE WHEN l.kind IN ('redeem', 'expire') THEN -1 ELSE 1 END * CAST(l.points AS DOUBLE)), 0) AS points,
      count(DISTINCT l.customer_id) AS n
    FROM bounds lb JOIN bounds hb ON hb.i = lb.i + 1 LEFT JOIN loyalty_ledger l ON l.occurred_at < hb.instant AND ${s.keep('l.customer_id')}
    WHERE lb.label <> 'end' GROUP BY 1`,
  finish: (st) => ({ value: num(st, 'points'), n: num(st, 'n') }),
};

const proportion = (st: Stats, empty: string) => rate(...kOfN(st), empty);

export const LOYALTY_METRICS: readonly MetricDef[] = [redemptionRate, activeEngagementRate, participationRate, pointsLiability];
