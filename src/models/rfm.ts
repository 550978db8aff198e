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

/** 1–5 by quintile of rank, ties sharing the lowest rank; `order` puts the worst first. */
const score = (order: string) => `CAST(1 + floor(5 * (rank() OVER (ORDER BY ${order}) - 1) / count(*) OVER ()) AS INTEGER)`;

/**
 * The CTEs of the purchase summary at `r.calibrationEnd` (the as-of date, inclusive) plus `rfm`:
 * customer_id, recency_days, frequency (purchase days), monetary (total spend), r, f, m, segment.
 */
export function rfmCtes(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  return `cust AS (${custSql(d, q, { ...r, holdoutEnd: undefined, timeUnit: 'day' })}),
  rfm_scored AS (
    SELECT customer_id, t - recency AS recency_days, frequency + 1 AS frequency, revenue AS monetary,
        ${score('t - recency DESC')} AS r, ${score('frequency')} AS f, ${score('revenue')} AS m
      FROM cust),
  rfm AS (SELECT *, ${segmentCase(d)} AS segment FROM rfm_scored)`;
}

/** Segment sizes and revenue: segment, customers, revenue, and the mean recency, frequency and spend. */
export function rfmSegmentsSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  return `WITH ${rfmCtes(d, q, r)}
    SELECT segment, count(*) AS customers, sum(monetary) AS revenue, avg(recency_days) AS recency_days,
        avg(frequency) AS frequency, avg(monetary) AS monetary
      FROM rfm GROUP BY segment`;
}
