/** The loyalty programme: redemption, active engagement, participation and the points liability. */
import { kOfN, rate, ratio, stat as num } from '../stats.js';
import type { MetricDef, Stats } from '../types.js';
import { customersAtEnds } from './retention.js';


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
    FROM ${s.d.table('loyalty_ledger')} l WHERE ${s.inPeriod('l.occurred_at')} AND ${s.keep('l.customer_id')} GROUP BY bucket, segment`,
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
  sql: (s) => `SELECT bucket, segment, sum(k) AS k, sum(n) AS n FROM (
      SELECT ${s.bucket('l.occurred_at')} AS bucket, ${s.segment('l.customer_id')} AS segment, count(DISTINCT l.customer_id) AS k, 0 AS n
        FROM loyalty_ledger l WHERE l.kind IN ('earn', 'redeem') AND ${s.inPeriod('l.occurred_at')} AND ${s.keep('l.customer_id')} GROUP BY 1, 2
      UNION ALL SELECT bucket, segment, 0, n FROM (${customersAtEnds(s)}) r) u GROUP BY 1, 2`,
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
  // A member counts at the boundaries from the first after joining to the first after leaving.
  sql: (s) => {
    const spans = `SELECT m.customer_id, ${s.boundaryIndex('m.joined_at')} AS lo,
        CASE WHEN m.left_at IS NULL THEN ${s.boundaryCount} ELSE ${s.boundaryIndex('m.left_at')} END AS hi
      FROM loyalty_members m WHERE m.joined_at < ${s.to} AND ${s.keep('m.customer_id')}`;
    return `SELECT bucket, segment, sum(k) AS k, sum(n) AS n FROM (
        SELECT i - 1 AS bucket, ${s.segment('x.customer_id')} AS segment, count(*) AS k, 0 AS n FROM (${s.spread(spans)}) x WHERE i >= 1 GROUP BY 1, 2
        UNION ALL SELECT bucket, segment, 0, n FROM (${customersAtEnds(s)}) r) u GROUP BY 1, 2`;
  },
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
  // Entries are summed by the first boundary after them, then up to each bucket's end; customers
  // are counted from their first entry.
  sql: (s) => `SELECT b.i - 1 AS bucket, x.segment, coalesce(sum(x.points), 0) AS points, coalesce(sum(x.customers), 0) AS n
    FROM ${s.boundaries} b JOIN (
      SELECT lo, segment, sum(points) AS points, count(DISTINCT CASE WHEN first THEN customer_id END) AS customers FROM (
        SELECT l.customer_id, ${s.boundaryIndex('l.occurred_at')} AS lo, ${s.segment('l.customer_id')} AS segment,
          CASE WHEN l.kind IN ('redeem', 'expire') THEN -1 ELSE 1 END * CAST(l.points AS DOUBLE) AS points,
          l.occurred_at = min(l.occurred_at) OVER (PARTITION BY l.customer_id) AS first
        FROM loyalty_ledger l WHERE l.occurred_at < ${s.to} AND ${s.keep('l.customer_id')}) e GROUP BY 1, 2) x ON x.lo <= b.i
    WHERE b.i >= 1 GROUP BY 1, 2`,
  finish: (st) => ({ value: num(st, 'points'), n: num(st, 'n') }),
};

const proportion = (st: Stats, empty: string) => rate(...kOfN(st), empty);

export const LOYALTY_METRICS: readonly MetricDef[] = [redemptionRate, activeEngagementRate, participationRate, pointsLiability];
