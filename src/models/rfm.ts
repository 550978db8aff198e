/**
 * RFM segmentation in the engine: each buying customer's recency (days since the last purchase
 * day), frequency (purchase days) and monetary value (total spend) as of a date, scored 1–5 by
 * quintile, and named by the first rule of RFM_SEGMENTS that matches.
 *
 * Quintiles by rank: score = 1 + ⌊5 · (rank − 1) / n⌋ with tied customers sharing the lowest rank,
 * so equal customers always get equal scores (a plain NTILE splits ties arbitrarily) — which also
 * means all one-time buyers score F = 1, however many they are.
 */
import type { Dialect } from '../warehouse/dialect.js';
import { custSql, type QueryBuilder, type SummaryRequest } from './queries.js';

export interface RfmSegment {
  readonly id: string;
  readonly name: string;
  /** The rule on the scores r, f, m, as SQL and as text. */
  readonly when: string;
  readonly action: string;
}

/** Checked in order; together they cover every score combination. */
export const RFM_SEGMENTS: readonly RfmSegment[] = [
  { id: 'champions', name: 'Champions', when: 'r >= 4 AND f >= 4 AND m >= 4', action: 'Reward them: early access, exclusive offers; ask for reviews and referrals.' },
  { id: 'loyal', name: 'Loyal', when: 'r >= 3 AND f >= 4', action: 'Upsell higher-value products; enrol them in the loyalty programme.' },
  { id: 'cant-lose', name: "Can't lose", when: 'r <= 2 AND f >= 4 AND m >= 4', action: 'Win them back personally before a competitor does.' },
  { id: 'at-risk', name: 'At risk', when: 'r <= 2 AND f >= 3', action: 'Retention campaign: personal emails, renewal offers.' },
  { id: 'new', name: 'New', when: 'r >= 4 AND f = 1', action: 'Onboard them; make the second purchase easy.' },
  { id: 'potential-loyalists', name: 'Potential loyalists', when: 'r >= 3 AND f <= 3', action: 'Membership or loyalty offers; recommend related products.' },
  { id: 'hibernating', name: 'Hibernating', when: 'r = 2 AND f <= 2', action: 'Reactivate with relevant offers; do not over-discount.' },
  { id: 'lost', name: 'Lost', when: 'r = 1 AND f <= 2', action: 'Low-cost reactivation only; otherwise let them go.' },
];

/** The segment id of scores in columns r, f, m. */
export const segmentCase = (d: Dialect) => `CASE ${RFM_SEGMENTS.map((s) => `WHEN ${s.when} THEN ${d.str(s.id)}`).join(' ')} END`;

/**
 * Per buying customer of `cust` (a table or subquery with custSql's columns): recency_days,
 * purchase_days, revenue (total spend), the scores r, f, m, the segment id, and the `carry`
 * expressions of cust (aliased apart from cust's own column names). As nested subqueries with the
 * ranks through the dialect, so ClickHouse 18.16 runs it too. Spend is ranked rounded to 1e-6:
 * engines may sum the same spends to different last bits, and rounding makes it unlikely that this
 * breaks a tie (it still can for a total at a rounding boundary).
 */
export function rfmSql(d: Dialect, cust: string, carry: readonly { expr: string; as: string }[] = []): string {
  const kept = ['recency_days', 'purchase_days', 'revenue', ...carry.map((c) => c.as)];
  const base = `SELECT customer_id, t - recency AS recency_days, frequency + 1 AS purchase_days, revenue${carry.map((c) => `, ${c.expr} AS ${c.as}`).join('')} FROM ${cust} k`;
  // 1–5 by quintile of rank, ties sharing the lowest rank; each order puts the worst first.
  const ranked = d.withRanks(`SELECT customer_id, ${kept.join(', ')}, round(revenue, 6) AS spend_key FROM (${base}) c`, ['customer_id', ...kept], [
    { order: 'recency_days', descending: true, as: 'rank_r' },
    { order: 'purchase_days', descending: false, as: 'rank_f' },
    { order: 'spend_key', descending: false, as: 'rank_m' },
  ]);
  const score = (rank: string) => `CAST(1 + floor(5 * (${rank} - 1) / total) AS INTEGER)`;
  const rfm = `SELECT customer_id, ${kept.join(', ')}, ${score('rank_r')} AS r, ${score('rank_f')} AS f, ${score('rank_m')} AS m FROM (${ranked}) w`;
  return `SELECT customer_id, ${kept.join(', ')}, r, f, m, ${segmentCase(d)} AS segment FROM (${rfm}) x`;
}

/** rfmSql over the purchase summary at `r.calibrationEnd` (the as-of date, inclusive). */
export function rfmCustomersSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  return rfmSql(d, `(${custSql(d, q, { ...r, holdoutEnd: undefined, timeUnit: 'day' })})`);
}

/**
 * Segment sizes and revenue: segment, customers, revenue, and the mean recency, frequency and
 * spend (named apart from the columns they average: ClickHouse resolves aliases query-wide).
 */
export function rfmSegmentsSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  return `SELECT segment, count(*) AS customers, sum(revenue) AS segment_revenue, avg(recency_days) AS mean_recency_days,
        avg(purchase_days) AS mean_frequency, avg(revenue) AS mean_monetary
      FROM (${rfmCustomersSql(d, q, r)}) s GROUP BY segment`;
}
