/**
 * The SQL the models read: the per-customer purchase summary of Fader, Hardie & Lee (and of
 * `lifetimes`), computed in the engine in one pass and handed over grouped, so a million customers
 * arrive as the few hundred thousand distinct (frequency, recency, T) rows the likelihood needs.
 *
 * Convention: completed orders up to the calibration end date (inclusive, local calendar days in
 * the workspace time zone) are aggregated per customer and day — same-day purchases are one
 * transaction. frequency = purchase days − 1; recency = last − first purchase day; T = calibration
 * end − first purchase day; monetary = mean daily spend over the repeat days (the first excluded).
 * Recency and T are in the time unit (a week is 7 days). With a holdout end, each customer also
 * gets the purchase days after the calibration end up to it (inclusive).
 */
import type { Dialect } from '../warehouse/dialect.js';
import type { Param, Warehouse } from '../warehouse/warehouse.js';

export type TimeUnit = 'day' | 'week';
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };

export interface SummaryRequest {
  /** Last day of the calibration period, YYYY-MM-DD, inclusive. */
  readonly calibrationEnd: string;
  /** Last day of the holdout period, inclusive (evaluation only). */
  readonly holdoutEnd?: string;
  readonly timezone: string;
  readonly timeUnit: TimeUnit;
  /**
   * A table already holding custSql's rows for this request, of every customer (a report makes
   * one that RFM and predictive CLV both read): custSql reads it.
   */
  readonly table?: SummaryTable;
}

/** A table of custSql's rows, with the request it was made for (summaryKey). */
export interface SummaryTable {
  readonly name: string;
  readonly key: string;
}

/** What a summary's rows depend on: a table made for one request serves only an equal one. */
export const summaryKey = (r: SummaryRequest) => JSON.stringify([r.calibrationEnd, r.holdoutEnd ?? null, r.timezone, r.timeUnit]);

/** Binds values and filters customers: a metric Scope serves, or `binder()` for no filter. */
export interface QueryBuilder {
  param(v: Param): string;
  readonly params: readonly Param[];
  /** Condition on a qualified customer id column: the customer passes the filters. */
  keep?(customerId: string): string;
}

export function binder(): QueryBuilder {
  const params: Param[] = [];
  return {
    params,
    param(v) {
      params.push(v);
      return `$${params.length}`;
    },
  };
}

/** Days since 1970-01-01 of a calendar date. */
export const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
/** The calendar date of a day number. */
export const dateOfDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * The summary as nested subqueries (no CTEs: the SQL ClickHouse 18.16 runs too): `daysSql` —
 * (customer_id, day, spend) per local purchase day; `perSql` — per customer: calibration purchase
 * days, first and last day, calibration spend, first-day spend, holdout days; `custSql` — per
 * customer: frequency, recency, t, monetary, revenue, first_day, last_day, holdout.
 */
export function daysSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  const lastDay = r.holdoutEnd ? dayNumber(r.holdoutEnd) : dayNumber(r.calibrationEnd);
  // Orders before the local midnight that ends the last day: the day itself counts.
  const cutoff = d.localToInstant(q.param(`${dateOfDay(lastDay + 1)} 00:00:00`), q.param(r.timezone));
  const keep = q.keep ? q.keep('o.customer_id') : d.alwaysTrue;
  return `SELECT o.customer_id AS customer_id, ${d.localDay('o.ordered_at', r.timezone)} AS day, sum(CAST(o.amount AS DOUBLE) * o._rate) AS spend
      FROM ${d.table('orders')} o WHERE o.status = 'completed' AND o.ordered_at < ${cutoff} AND ${keep}
      GROUP BY customer_id, day`;
}

export function perSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  const calEnd = dayNumber(r.calibrationEnd);
  const inCal = `day <= ${calEnd}`;
  return `SELECT customer_id, ${d.countIf(inCal)} AS days_cal, min(day) AS first_day, max(CASE WHEN ${inCal} THEN day END) AS last_day,
        ${d.sumIf('spend', inCal)} AS spend_cal, ${d.argMax('spend', '-day')} AS first_spend, ${d.countIf(`day > ${calEnd}`)} AS holdout
      FROM (${daysSql(d, q, r)}) dy GROUP BY customer_id HAVING min(day) <= ${calEnd}`;
}

export function custSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  if (r.table) {
    // Rows made for another request, or of every customer where a filter keeps only some, would
    // be wrong rows: a mistake in the caller, refused rather than read.
    if (r.table.key !== summaryKey(r) || (q.keep && q.keep('o.customer_id') !== d.alwaysTrue)) {
      throw new Error(`The summary table ${r.table.name} holds every customer for ${r.table.key}, not what this query asks (${summaryKey(r)}, filtered: ${Boolean(q.keep)}).`);
    }
    return `SELECT * FROM ${d.ident(r.table.name)}`;
  }
  const calEnd = dayNumber(r.calibrationEnd);
  const unit = UNIT_DAYS[r.timeUnit];
  return `SELECT customer_id, days_cal - 1 AS frequency, CAST(last_day - first_day AS DOUBLE) / ${unit} AS recency,
        CAST(${calEnd} - first_day AS DOUBLE) / ${unit} AS t,
        CASE WHEN days_cal > 1 THEN (spend_cal - first_spend) / (days_cal - 1) END AS monetary,
        spend_cal AS revenue, first_day, last_day, holdout
      FROM (${perSql(d, q, r)}) p`;
}

/**
 * The fitting input: 'bg' — distinct (frequency, recency, t) with their customer count (weight),
 * holdout purchase days and their squares summed (for error figures); 'gg' — repeat customers'
 * (frequency, monetary) with their count. Ordered totally, so the fits sum in the same order on
 * every run.
 */
export function fitInputSql(d: Dialect, q: QueryBuilder, r: SummaryRequest, kind: 'bg' | 'gg'): string {
  return kind === 'bg'
    ? `SELECT frequency, recency, t, count(*) AS weight, sum(holdout) AS holdout_sum, sum(holdout * holdout) AS holdout_sq
      FROM (${custSql(d, q, r)}) c GROUP BY frequency, recency, t ORDER BY frequency, recency, t`
    : `SELECT frequency, monetary, count(*) AS weight FROM (${custSql(d, q, r)}) c WHERE frequency > 0 AND monetary > 0
      GROUP BY frequency, monetary ORDER BY frequency, monetary`;
}

/**
 * Customers by identical (frequency, recency, t, monetary), for per-customer predictions summed;
 * ordered so equal (frequency, recency, t) are adjacent, and totally, so that the fits sum in the
 * same order on every run and give the same parameters to the last digit.
 */
export function customerValueSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  return `SELECT frequency, recency, t, monetary, count(*) AS weight FROM (${custSql(d, q, r)}) c GROUP BY frequency, recency, t, monetary
    ORDER BY frequency, recency, t, monetary NULLS FIRST`;
}

/**
 * For the tracking plot: kind 'first' — customers by the day of their first purchase; kind
 * 'repeat' — repeat purchase days (not a customer's first) by day, calibration and holdout.
 */
export function trackingSql(d: Dialect, q: QueryBuilder, r: SummaryRequest): string {
  return `SELECT 'first' AS kind, first_day AS day, count(*) AS n FROM (${perSql(d, q, r)}) p GROUP BY first_day
    UNION ALL
    SELECT 'repeat' AS kind, x.day AS day, count(*) AS n FROM (${daysSql(d, q, r)}) x ${d.join('inner')} (SELECT customer_id, first_day FROM (${perSql(d, q, r)}) p0) p USING (customer_id)
      WHERE x.day > p.first_day GROUP BY x.day`;
}

/**
 * BG/NBD's log-odds of being gone, log((1 − P(alive)) / P(alive)) = log a − log(b+x−1)
 * + (r+x)(log(α+T) − log(α+t_x)), over SQL expressions of x ≥ 1, t_x and T: ≥ 0 exactly when
 * P(alive) ≤ ½, so the engine can pick the customers at risk without handing over the rest.
 */
export function goneLogOddsSql(d: Dialect, q: QueryBuilder, p: { r: number; alpha: number; a: number; b: number }, x: string, tx: string, T: string): string {
  const [r, alpha, b] = [p.r, p.alpha, p.b].map((v) => `CAST(${q.param(v)} AS DOUBLE)`) as [string, string, string];
  return `(${q.param(Math.log(p.a))} - ${d.ln(`${b} + ${x} - 1`)} + (${r} + ${x}) * (${d.ln(`${alpha} + ${T}`)} - ${d.ln(`${alpha} + ${tx}`)}))`;
}

/** The local date of the last completed order: the default as-of and calibration end; null without orders. */
export async function lastOrderDate(wh: Warehouse, timezone: string): Promise<string | null> {
  const [row] = await wh.query(`SELECT max(${wh.dialect.localDay('ordered_at', timezone)}) AS day FROM orders WHERE status = 'completed'`);
  return row?.day === null || row?.day === undefined ? null : dateOfDay(Number(row.day));
}
