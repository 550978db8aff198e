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
  /** SQL over the joined facts' columns giving 0–1. */
  readonly sql: string;
}

const TRAILING_DAYS = 30;
const RECENT_DAYS = 90;
const LATE_DAYS = 180;
const NPS_DAYS = 365;

/** The churn-risk inputs of a subscription workspace and their weights (summing to 100). */
export const RISK_INPUTS: readonly RiskInput[] = [
  { id: 'engagement_decline', weight: 25, description: `product activity in the last ${TRAILING_DAYS} days below the ${TRAILING_DAYS} days before (the share it fell)`, sql: 'CASE WHEN coalesce(previous, 0) > 0 THEN greatest(0, 1 - coalesce(recent, 0) / previous) ELSE 0 END' },
  { id: 'detractor', weight: 20, description: `latest NPS answer in the last ${NPS_DAYS} days was 0–6`, sql: 'CASE WHEN nps <= 6 THEN 1 ELSE 0 END' },
  { id: 'contraction', weight: 15, description: `MRR still paid but below its level ${RECENT_DAYS} days ago (the share it fell)`, sql: 'CASE WHEN mrr_now > 0 AND mrr_now < mrr_before THEN (mrr_before - mrr_now) / mrr_before ELSE 0 END' },
  { id: 'tickets', weight: 15, description: `support tickets in the last ${RECENT_DAYS} days (3 or more count fully)`, sql: 'least(1, coalesce(ticket_count, 0) / 3.0)' },
  { id: 'complaints', weight: 15, description: `a complaint in the last ${RECENT_DAYS} days`, sql: 'CASE WHEN coalesce(complaint_count, 0) > 0 THEN 1 ELSE 0 END' },
  { id: 'late_invoices', weight: 10, description: `share of the invoices due in the last ${LATE_DAYS} days paid late or still unpaid`, sql: 'CASE WHEN due_count > 0 THEN late_count / due_count ELSE 0 END' },
];

export interface FactsRequest {
  /** The as-of day (inclusive), YYYY-MM-DD, and the instant that ends it (SQL). */
  readonly asOf: string;
  readonly end: string;
  readonly timezone: string;
  readonly model: 'subscription' | 'transactional';
  readonly engagementWeights: Readonly<Record<string, number>>;
}

/** A per-customer piece of the facts: a query with customer_id and the named columns. */
interface Piece {
  readonly sql: string;
  readonly columns: readonly string[];
}

/**
 * The pieces left-joined to the first on customer_id, one join per SELECT and every column named
 * (what ClickHouse 18.16 runs too); column names are distinct across pieces.
 */
function leftJoinAll(d: Dialect, [first, ...rest]: readonly [Piece, ...Piece[]]): Piece {
  return rest.reduce<Piece>((acc, p) => {
    const columns = [...acc.columns, ...p.columns];
    return { sql: `SELECT customer_id, ${columns.join(', ')} FROM (${acc.sql}) a ${d.join('left')} (${p.sql}) b USING (customer_id)`, columns };
  }, first);
}

/** Per customer passing the filters: identity, purchase summary (days), RFM, latest NPS, engagement score, risk inputs. */
export function customerFactsSql(d: Dialect, q: QueryBuilder, r: FactsRequest): string {
  const keep = (id: string) => (q.keep ? q.keep(id) : d.alwaysTrue);
  const end = r.end;
  const weights = Object.entries(r.engagementWeights);
  const weight = weights.length ? `CASE ae.name ${weights.map(([n, w]) => `WHEN ${d.str(n)} THEN ${Number(w)}`).join(' ')} ELSE 1 END` : '1';
  const since = (days: number) => d.addDays(end, -days);
  const risk = RISK_INPUTS.map((i) => `(${i.sql}) AS ${i.id}`).join(', ');
  const cust = `(${custSql(d, q, { calibrationEnd: r.asOf, timezone: r.timezone, timeUnit: 'day' })})`;
  const purchases: Piece = {
    sql: rfmSql(d, cust, [
      { expr: 'frequency', as: 'repeat_days' },
      { expr: 'recency', as: 'recency_repeat' },
      { expr: 't', as: 'age' },
      { expr: 'monetary', as: 'repeat_spend' },
    ]),
    columns: ['repeat_days', 'recency_repeat', 'age', 'repeat_spend', 'revenue', 'recency_days', 'r', 'f', 'm', 'segment'],
  };
  const nps: Piece = {
    sql: `SELECT customer_id, ${d.argMax('score', 'responded_at')} AS nps FROM ${d.table('survey_responses')} sr
      WHERE survey = 'nps' AND customer_id IS NOT NULL AND responded_at < ${end} AND responded_at >= ${since(NPS_DAYS)} GROUP BY customer_id`,
    columns: ['nps'],
  };
  const activity = `SELECT ae.customer_id AS customer_id, ${d.sumIf(weight, `ae.occurred_at >= ${since(TRAILING_DAYS)}`)} AS recent,
        ${d.sumIf(weight, `ae.occurred_at < ${since(TRAILING_DAYS)}`)} AS previous
      FROM ${d.table('activity_events')} ae WHERE ae.occurred_at >= ${since(2 * TRAILING_DAYS)} AND ae.occurred_at < ${end} GROUP BY customer_id`;
  const tickets: Piece = {
    sql: `SELECT customer_id, count(*) AS ticket_count, ${d.countIf('is_complaint')} AS complaint_count FROM ${d.table('tickets')} tk
      WHERE customer_id IS NOT NULL AND opened_at >= ${since(RECENT_DAYS)} AND opened_at < ${end} GROUP BY customer_id`,
    columns: ['ticket_count', 'complaint_count'],
  };
  const invoices: Piece = {
    sql: `SELECT customer_id, CAST(count(*) AS DOUBLE) AS due_count, ${d.countIf('paid_at IS NULL OR paid_at > due_at')} AS late_count FROM ${d.table('invoices')} iv
      WHERE due_at >= ${since(LATE_DAYS)} AND due_at < ${end} GROUP BY customer_id`,
    columns: ['due_count', 'late_count'],
  };
  // MRR now and RECENT_DAYS ago: each subscription's latest change before each instant.
  const mrrAt = (at: string, now: boolean) => `SELECT customer_id, ${now ? 'mrr' : '0'} AS mrr_now, ${now ? '0' : 'mrr'} AS mrr_before FROM (
      SELECT customer_id, subscription_id, ${d.argMax('CAST(mrr AS DOUBLE) * _rate', 'occurred_at')} AS mrr FROM ${d.table('subscription_events')} se
        WHERE occurred_at < ${at} AND ${keep('customer_id')} GROUP BY customer_id, subscription_id) x`;
  const mrr: Piece = {
    sql: `SELECT customer_id, sum(mrr_now) AS mrr_now, sum(mrr_before) AS mrr_before FROM (${mrrAt(end, true)} UNION ALL ${mrrAt(since(RECENT_DAYS), false)}) u GROUP BY customer_id`,
    columns: ['mrr_now', 'mrr_before'],
  };
  const people: Piece = {
    sql: `SELECT c.customer_id AS customer_id, c.name AS name, c.email AS email, c.country AS country, c.created_at AS created_at
      FROM ${d.table('customers')} c WHERE c.created_at < ${end} AND ${keep('c.customer_id')}`,
    columns: ['name', 'email', 'country', 'created_at'],
  };
  const joined = leftJoinAll(d, [people, purchases, nps, { sql: activity, columns: ['recent', 'previous'] }, tickets, invoices, ...(r.model === 'subscription' ? [mrr] : [])]);
  // The engagement score is against the 99th percentile of recent activity (one row, crossed in).
  const p99 = `SELECT ${d.quantile('recent', 0.99)} AS p99 FROM (${activity}) e WHERE recent > 0`;
  const noMrr = r.model === 'subscription' ? '' : ', 0 AS mrr_now, 0 AS mrr_before';
  return `SELECT customer_id, name, email, country, created_at,
      repeat_days, recency_repeat AS recency, age, repeat_spend AS monetary, revenue,
      recency_days, r, f, m, segment AS rfm,
      nps, CASE WHEN nps >= 9 THEN 'promoter' WHEN nps >= 7 THEN 'passive' WHEN nps IS NOT NULL THEN 'detractor' END AS nps_class,
      CASE WHEN p99 > 0 THEN least(100, round(100.0 * coalesce(recent, 0) / p99)) ELSE 0 END AS engagement,
      mrr_now AS mrr, ${risk}
    FROM (SELECT *${noMrr} FROM (${joined.sql}) j) f ${d.join('cross')} (${p99}) p`;
}
