/**
 * One row per customer as of a day, computed in the engine: who they are, their purchase summary
 * and RFM segment, their latest NPS answer, their engagement score, and — in a subscription
 * workspace — the inputs of the churn-risk score. The customer lists add the model predictions.
 *
 * The subscription churn-risk score is transparent: a weighted sum of the inputs below, each
 * between 0 and 1, so 0–100; every input is shown beside the score.
 */
import type { Dialect } from '../warehouse/dialect.js';
import { rfmSql } from '../models/rfm.js';
import { custSql, type QueryBuilder } from '../models/queries.js';

export interface RiskInput {
  readonly id: string;
  readonly weight: number;
  readonly description: string;
  /** SQL over the joined facts giving 0–1. */
  readonly sql: string;
}

const TRAILING_DAYS = 30;
const RECENT_DAYS = 90;
const LATE_DAYS = 180;
const NPS_DAYS = 365;

/** The churn-risk inputs of a subscription workspace and their weights (summing to 100). */
export const RISK_INPUTS: readonly RiskInput[] = [
  { id: 'engagement_decline', weight: 25, description: `product activity in the last ${TRAILING_DAYS} days below the ${TRAILING_DAYS} days before (the share it fell)`, sql: 'CASE WHEN coalesce(e.previous, 0) > 0 THEN greatest(0, 1 - coalesce(e.recent, 0) / e.previous) ELSE 0 END' },
  { id: 'detractor', weight: 20, description: `latest NPS answer in the last ${NPS_DAYS} days was 0–6`, sql: 'CASE WHEN n.nps <= 6 THEN 1 ELSE 0 END' },
  { id: 'contraction', weight: 15, description: `MRR still paid but below its level ${RECENT_DAYS} days ago (the share it fell)`, sql: 'CASE WHEN s.mrr_now > 0 AND s.mrr_now < s.mrr_before THEN (s.mrr_before - s.mrr_now) / s.mrr_before ELSE 0 END' },
  { id: 'tickets', weight: 15, description: `support tickets in the last ${RECENT_DAYS} days (3 or more count fully)`, sql: 'least(1, coalesce(t.tickets, 0) / 3.0)' },
  { id: 'complaints', weight: 15, description: `a complaint in the last ${RECENT_DAYS} days`, sql: 'CASE WHEN coalesce(t.complaints, 0) > 0 THEN 1 ELSE 0 END' },
  { id: 'late_invoices', weight: 10, description: `share of the invoices due in the last ${LATE_DAYS} days paid late or still unpaid`, sql: 'CASE WHEN l.due > 0 THEN l.late / l.due ELSE 0 END' },
];

export interface FactsRequest {
  /** The as-of day (inclusive), YYYY-MM-DD, and the instant that ends it (SQL). */
  readonly asOf: string;
  readonly end: string;
  readonly timezone: string;
  readonly model: 'subscription' | 'transactional';
  readonly engagementWeights: Readonly<Record<string, number>>;
}

/** Per customer passing the filters: identity, purchase summary (days), RFM, latest NPS, engagement score, risk inputs. */
export function customerFactsSql(d: Dialect, q: QueryBuilder, r: FactsRequest): string {
  const keep = (id: string) => (q.keep ? q.keep(id) : d.alwaysTrue);
  const end = r.end;
  const weights = Object.entries(r.engagementWeights);
  const weight = weights.length ? `CASE ae.name ${weights.map(([n, w]) => `WHEN ${d.str(n)} THEN ${Number(w)}`).join(' ')} ELSE 1 END` : '1';
  const since = (days: number) => d.addDays(end, -days);
  const subscription = r.model === 'subscription';
  const risk = RISK_INPUTS.map((i) => `(${i.sql}) AS ${i.id}`).join(', ');
  // MRR now and RECENT_DAYS ago: each subscription's latest change before each instant.
  const mrrAt = (at: string) => `SELECT customer_id, sum(mrr) AS mrr FROM (
      SELECT customer_id, subscription_id, ${d.argMax('CAST(mrr AS DOUBLE) * _rate', 'occurred_at')} AS mrr FROM subscription_events
        WHERE occurred_at < ${at} AND ${keep('customer_id')} GROUP BY 1, 2) x GROUP BY 1`;
  return `WITH cust AS (${custSql(d, q, { calibrationEnd: r.asOf, timezone: r.timezone, timeUnit: 'day' })}),
    rfm AS (${rfmSql(d, 'cust')}),
    n AS (SELECT customer_id, ${d.argMax('score', 'responded_at')} AS nps FROM survey_responses
      WHERE survey = 'nps' AND customer_id IS NOT NULL AND responded_at < ${end} AND responded_at >= ${since(NPS_DAYS)} GROUP BY 1),
    e AS (SELECT ae.customer_id, ${d.sumIf(weight, `ae.occurred_at >= ${since(TRAILING_DAYS)}`)} AS recent,
        ${d.sumIf(weight, `ae.occurred_at < ${since(TRAILING_DAYS)}`)} AS previous
      FROM activity_events ae WHERE ae.occurred_at >= ${since(2 * TRAILING_DAYS)} AND ae.occurred_at < ${end} GROUP BY 1),
    p AS (SELECT ${d.quantile('recent', 0.99)} AS p99 FROM e WHERE recent > 0),
    t AS (SELECT customer_id, count(*) AS tickets, ${d.countIf('is_complaint')} AS complaints FROM tickets
      WHERE customer_id IS NOT NULL AND opened_at >= ${since(RECENT_DAYS)} AND opened_at < ${end} GROUP BY 1),
    l AS (SELECT customer_id, CAST(count(*) AS DOUBLE) AS due, ${d.countIf(`paid_at IS NULL OR paid_at > due_at`)} AS late FROM invoices
      WHERE due_at >= ${since(LATE_DAYS)} AND due_at < ${end} GROUP BY 1),
    s AS (SELECT coalesce(a.customer_id, b.customer_id) AS customer_id, coalesce(a.mrr, 0) AS mrr_now, coalesce(b.mrr, 0) AS mrr_before
      FROM (${subscription ? mrrAt(end) : 'SELECT NULL AS customer_id, 0 AS mrr WHERE FALSE'}) a
      FULL OUTER JOIN (${subscription ? mrrAt(since(RECENT_DAYS)) : 'SELECT NULL AS customer_id, 0 AS mrr WHERE FALSE'}) b ON b.customer_id = a.customer_id)
  SELECT c.customer_id, c.name, c.email, c.country, c.created_at,
      x.frequency AS repeat_days, x.recency AS recency, x.t AS age, x.monetary, x.revenue,
      x.recency_days, x.r, x.f, x.m, x.segment AS rfm,
      n.nps, CASE WHEN n.nps >= 9 THEN 'promoter' WHEN n.nps >= 7 THEN 'passive' WHEN n.nps IS NOT NULL THEN 'detractor' END AS nps_class,
      CASE WHEN p.p99 > 0 THEN least(100, round(100.0 * coalesce(e.recent, 0) / p.p99)) ELSE 0 END AS engagement,
      s.mrr_now AS mrr, ${risk}
    FROM customers c
      LEFT JOIN (SELECT k.customer_id, k.frequency, k.recency, k.t, k.monetary, k.revenue, f.recency_days, f.r, f.f, f.m, f.segment
        FROM cust k JOIN rfm f ON f.customer_id = k.customer_id) x ON x.customer_id = c.customer_id
      LEFT JOIN n ON n.customer_id = c.customer_id
      LEFT JOIN e ON e.customer_id = c.customer_id
      LEFT JOIN t ON t.customer_id = c.customer_id
      LEFT JOIN l ON l.customer_id = c.customer_id
      LEFT JOIN s ON s.customer_id = c.customer_id
      CROSS JOIN p
    WHERE c.created_at < ${end} AND ${keep('c.customer_id')}`;
}
