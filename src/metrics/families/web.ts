/**
 * Web engagement (Plausible/GA4 conventions): sessions are the given session ids, or — where an
 * event has none — a visitor's events split where the gap exceeds 30 minutes. A session belongs
 * to the bucket it started in.
 */
import { kOfN, rate, ratio, stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { MetricDef } from '../types.js';

const GAP_SECONDS = 30 * 60;

/** One row per session started in the period: start, end, page views, interactions, last page. */
function sessions(s: Scope): string {
  const d = s.d;
  // Events from a day either side of the period, so sessions running over its ends are whole.
  const events = `SELECT w.* FROM web_events w WHERE w.occurred_at >= ${d.addDays(s.from, -1)} AND w.occurred_at < ${d.addDays(s.to, 1)}`;
  const derived = `SELECT e.visitor_id, e.customer_id, e.occurred_at, e.type,
        sum(CASE WHEN e.prev IS NULL OR ${d.secondsBetween('e.prev', 'e.occurred_at')} > ${GAP_SECONDS} THEN 1 ELSE 0 END)
        OVER (PARTITION BY e.visitor_id ORDER BY e.occurred_at, e.event_id ROWS UNBOUNDED PRECEDING) AS n
      FROM (SELECT v.*, lag(v.occurred_at) OVER (PARTITION BY v.visitor_id ORDER BY v.occurred_at, v.event_id) AS prev
        FROM (${events}) v WHERE v.session_id IS NULL) e`;
  // Sessions are summarised apart (given ids, derived ones) and then put together: grouping by
  // the given id or by (visitor, number) is cheaper than building one text key per event.
  const summary = `min(occurred_at) AS started, max(occurred_at) AS ended, max(customer_id) AS customer_id,
      ${d.countIf("type = 'pageview'")} AS pageviews, ${d.countIf("type <> 'pageview'")} AS interactions`;
  return `SELECT ${summary} FROM (${events}) g WHERE g.session_id IS NOT NULL GROUP BY g.session_id
    UNION ALL SELECT ${summary} FROM (${derived}) x GROUP BY x.visitor_id, x.n`;
}

/** Sessions started in the period with bucket and segment. */
const inPeriod = (s: Scope) => `SELECT ${s.bucket('q.started')} AS bucket, ${s.segment('q.customer_id')} AS segment, q.*
  FROM (${sessions(s)}) q WHERE ${s.inPeriod('q.started')} AND ${s.keep('q.customer_id')}`;

const base = { tables: ['web_events'] as const, teams: ['marketing', 'product'] as const, statsAdditive: true };

/** The session statistics every session metric reads (one query, shared through the report cache). */
const sessionStats = (s: Scope) => `SELECT bucket, segment, count(*) AS n, ${s.d.countIf('pageviews = 1 AND interactions = 0')} AS k,
    sum(${s.d.secondsBetween('started', 'ended')}) AS total, ${s.d.countIf('pageviews > 0')} AS exits, sum(pageviews) AS views
  FROM (${inPeriod(s)}) x GROUP BY 1, 2`;
const NONE = 'No web sessions in the period.';

export const pageViews: MetricDef = {
  ...base,
  id: 'page_views',
  name: 'Page views',
  description: 'Page-view events in the period.',
  formula: 'count of pageview events',
  unit: 'count',
  direction: 'higher',
  additive: true,
  sql: (s) => `SELECT ${s.bucket('w.occurred_at')} AS bucket, ${s.segment('w.customer_id')} AS segment, ${s.d.countIf("w.type = 'pageview'")} AS n
    FROM web_events w WHERE ${s.inPeriod('w.occurred_at')} AND ${s.keep('w.customer_id')} GROUP BY 1, 2`,
  finish: (st) => ({ value: num(st, 'n'), n: num(st, 'n') }),
};

export const sessionCount: MetricDef = {
  ...base,
  id: 'sessions',
  name: 'Sessions',
  description: 'Visits: given session ids, or a visitor’s events split where the gap exceeds 30 minutes.',
  formula: 'count of sessions started in the period',
  unit: 'count',
  direction: 'higher',
  additive: true,
  sql: sessionStats,
  finish: (st) => ({ value: num(st, 'n'), n: num(st, 'n') }),
};

export const avgSessionDuration: MetricDef = {
  ...base,
  id: 'avg_session_duration',
  name: 'Average session duration',
  description: 'Mean time from a session’s first to its last event.',
  formula: 'mean(last event − first event) per session; a single-event session counts as 0 s',
  unit: 'seconds',
  direction: 'higher',
  convention: 'Single-event sessions count as 0 seconds (Plausible/GA convention).',
  sql: sessionStats,
  finish: (st) => {
    const v = ratio(num(st, 'total'), num(st, 'n'));
    return v === null ? { value: null, n: 0, note: NONE } : { value: v, n: num(st, 'n') };
  },
};

export const bounceRate: MetricDef = {
  ...base,
  id: 'bounce_rate',
  name: 'Bounce rate',
  description: 'Share of sessions with exactly one page view and no interaction.',
  formula: 'sessions with one page view and no interaction event / sessions · 100',
  unit: 'percent',
  direction: 'lower',
  test: (st) => [num(st, 'k'), num(st, 'n')],
  sql: sessionStats,
  finish: (st) => rate(...kOfN(st), NONE),
};

export const exitRate: MetricDef = {
  ...base,
  id: 'exit_rate',
  name: 'Exit rate',
  description: 'Sessions that ended on a page as a share of that page’s views; here over all pages.',
  formula: 'sessions whose last page view is the page / page views of the page · 100 (summed over pages)',
  unit: 'percent',
  direction: 'lower',
  convention: 'Over all pages of sessions started in the period; a per-page breakdown is not reported yet.',
  sql: sessionStats,
  finish: (st) => {
    const v = ratio(num(st, 'exits'), num(st, 'views'));
    return v === null ? { value: null, n: 0, note: 'No page views in the period.' } : { value: 100 * v, n: num(st, 'views') };
  },
};

export const WEB_METRICS: readonly MetricDef[] = [pageViews, sessionCount, avgSessionDuration, bounceRate, exitRate];
