/** The loyalty programme: redemption, active engagement, participation and the points liability. */
import { kOfN, rate, ratio, stat as num } from '../stats.js';
import type { MetricDef, Stats } from '../types.js';
import { customersAtEnds } from './retention.js';


export const redemptionRate: MetricDef = {
  id: 'redemption_rate',
  noBenchmark: 'Depends on the programme’s earning and redemption rules and on whether points expire; no public benchmark with this definition exists.',
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
  noBenchmark: 'Depends on how the programme enrols and rewards members; no public benchmark with this definition exists.',
  name: 'Active engagement rate',
  description: 'Programme members who earned or redeemed points in the period, as a share of all customers.',
  formula: 'members with an earn or redeem entry in the period / customers created before to · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['loyalty_ledger', 'customers'],
  teams: ['marketing'],
  test: kOfN,
  sql: (s) => `SELECT b AS bucket, segment, sum(members) AS k, sum(customers) AS n FROM (
      SELECT CAST(${s.bucket('l.occurred_at')} AS BIGINT) AS b, ${s.segment('l.customer_id')} AS segment, CAST(count(DISTINCT l.customer_id) AS BIGINT) AS members, CAST(0 AS BIGINT) AS customers
        FROM ${s.d.table('loyalty_ledger')} l WHERE l.kind IN ('earn', 'redeem') AND ${s.inPeriod('l.occurred_at')} AND ${s.keep('l.customer_id')} GROUP BY b, segment
      UNION ALL SELECT bucket AS b, segment, CAST(0 AS BIGINT) AS members, n AS customers FROM (${customersAtEnds(s)}) r) u GROUP BY b, segment`,
  finish: (st) => proportion(st, 'No customers before the end of the period.'),
};

export const participationRate: MetricDef = {
  id: 'participation_rate',
  noBenchmark: 'Depends on how customers join the programme (opt-in or automatic); no public benchmark with this definition exists.',
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
    const spans = `SELECT m.customer_id AS customer_id, ${s.boundaryIndex('m.joined_at')} AS lo,
        CASE WHEN m.left_at IS NULL THEN ${s.boundaryCount} ELSE ${s.boundaryIndex('m.left_at')} END AS hi
      FROM ${s.d.table('loyalty_members')} m WHERE m.joined_at < ${s.to} AND ${s.keep('m.customer_id')}`;
    return `SELECT b AS bucket, segment, sum(members) AS k, sum(customers) AS n FROM (
        SELECT CAST(i - 1 AS BIGINT) AS b, ${s.segment('x.customer_id')} AS segment, CAST(count(*) AS BIGINT) AS members, CAST(0 AS BIGINT) AS customers
          FROM (${s.spread(spans)}) x WHERE i >= 1 GROUP BY b, segment
        UNION ALL SELECT bucket AS b, segment, CAST(0 AS BIGINT) AS members, n AS customers FROM (${customersAtEnds(s)}) r) u GROUP BY b, segment`;
  },
  finish: (st) => proportion(st, 'No customers before the end of the period.'),
};

export const pointsLiability: MetricDef = {
  id: 'points_liability',
  noBenchmark: 'A count of points: its level reflects the programme’s size and what a point is worth.',
  name: 'Outstanding points',
  description: 'Points issued and not yet redeemed or expired, at the end of the period.',
  formula: 'earned + adjustments − redeemed − expired, over entries before to',
  unit: 'count',
  direction: 'lower',
  tables: ['loyalty_ledger'],
  teams: ['data', 'leadership'],
  convention: 'Adjustments add points.',
  // Entries are summed by the first boundary after them, then spread to every later bucket end;
  // customers are counted from their first entry.
  sql: (s) => {
    const d = s.d;
    const ledger = `SELECT l.customer_id AS customer_id, l.occurred_at AS occurred_at, CASE WHEN l.kind IN ('redeem', 'expire') THEN -1 ELSE 1 END * CAST(l.points AS DOUBLE) AS signed
      FROM ${d.table('loyalty_ledger')} l WHERE l.occurred_at < ${s.to} AND ${s.keep('l.customer_id')}`;
    const groups = `SELECT lo, ${s.boundaryCount} AS hi, segment, sum(pts) AS pts, sum(cnt) AS cnt FROM (
        SELECT CAST(${s.boundaryIndex('e.occurred_at')} AS BIGINT) AS lo, ${s.segment('e.customer_id')} AS segment, sum(e.signed) AS pts, CAST(0 AS BIGINT) AS cnt
          FROM (${ledger}) e GROUP BY lo, segment
        UNION ALL
        SELECT CAST(${s.boundaryIndex('f.first_at')} AS BIGINT) AS lo, ${s.segment('f.customer_id')} AS segment, CAST(0 AS DOUBLE) AS pts, CAST(count(*) AS BIGINT) AS cnt
          FROM (SELECT customer_id, min(occurred_at) AS first_at FROM (${ledger}) e1 GROUP BY customer_id) f GROUP BY lo, segment) g
      GROUP BY lo, segment`;
    return `SELECT CAST(i - 1 AS BIGINT) AS bucket, segment, coalesce(sum(pts), 0) AS points, coalesce(sum(cnt), 0) AS n
      FROM (${s.spread(groups)}) x WHERE i >= 1 GROUP BY bucket, segment`;
  },
  finish: (st) => ({ value: num(st, 'points'), n: num(st, 'n') }),
};

const proportion = (st: Stats, empty: string) => rate(...kOfN(st), empty);

export const LOYALTY_METRICS: readonly MetricDef[] = [redemptionRate, activeEngagementRate, participationRate, pointsLiability];
