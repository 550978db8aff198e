/**
 * Web engagement (Plausible/GA4 conventions): sessions are the given session ids, or — where an
 * event has none — a visitor's events split where the gap exceeds 30 minutes, derived once at
 * import (when read, on ClickHouse: warehouse/derived/web-sessions.ts). A session belongs to the
 * bucket it started in.
 */
import { aroundAverage } from '../average-bands.js';
import { webSessions } from '../../warehouse/derived/web-sessions.js';
import { kOfN, rate, ratio, stat as num, sumByKey } from '../stats.js';
import type { Scope } from '../scope.js';
import type { Benchmark, MetricDef, Stats } from '../types.js';


export const CONTENTSQUARE = 'Contentsquare, 2021 Digital Experience Benchmark (over 20 billion sessions)';
const BOUNCE_BENCHMARK: Benchmark = {
  ...aroundAverage(47, 'all-industry', `${CONTENTSQUARE}: all-industry average bounce rate 47 %`),
  facts: ['B2B sites bounce most (75 %); energy (38 %), grocery (40 %) and travel (42 %) least.'],
};

/** Sessions started in the period with bucket and segment. */
const inPeriod = (s: Scope) => `SELECT ${s.bucket('q.started')} AS bucket, ${s.segment('q.customer_id')} AS segment, q.*
  FROM ${webSessions(s.d)} q WHERE ${s.inPeriod('q.started')} AND ${s.keep('q.customer_id')}`;

const base = { tables: ['web_events'] as const, teams: ['marketing', 'product'] as const, statsAdditive: true };

/** The session statistics every session metric reads (one query, shared through the report cache). */
const sessionStats = (s: Scope) => `SELECT bucket, segment, count(*) AS n, ${s.d.countIf('pageviews = 1 AND interactions = 0')} AS k,
    sum(${s.d.secondsBetween('started', 'ended')}) AS total, ${s.d.countIf('pageviews > 0')} AS exits, sum(pageviews) AS views,
    ${s.d.countIf(`${s.d.secondsBetween('started', 'ended')} >= 10 OR pageviews >= 2 OR interactions > 0`)} AS engaged
  FROM (${inPeriod(s)}) x GROUP BY bucket, segment`;
const NONE = 'No web sessions in the period.';

/**
 * Page views by bucket, segment and path (the key; views without a path are counted apart, as
 * `unpathed`, under the key ''): page views add them all up, the exit rate divides each page's
 * exits by its views. One query, which the report runs once for both.
 */
const pageViewStats = (s: Scope) => `SELECT ${s.bucket('w.occurred_at')} AS bucket, ${s.segment('w.customer_id')} AS segment, coalesce(w.path, '') AS key,
    ${s.d.countIf('w.path IS NOT NULL')} AS views, ${s.d.countIf('w.path IS NULL')} AS unpathed
  FROM ${s.d.table('web_events')} w WHERE w.type = 'pageview' AND ${s.inPeriod('w.occurred_at')} AND ${s.keep('w.customer_id')} GROUP BY bucket, segment, key`;

/** Every page view of the rows, with or without a path, as the page views' value. */
function allViews(rows: readonly { stats: Stats }[]): { value: number; n: number } {
  const n = rows.reduce((a, r) => a + num(r.stats, 'views') + num(r.stats, 'unpathed'), 0);
  return { value: n, n };
}

export const pageViews: MetricDef = {
  ...base,
  id: 'page_views',
  noBenchmark: 'A count: its level reflects the site’s traffic, not the quality of the visits.',
  name: 'Page views',
  description: 'Page-view events in the period.',
  formula: 'count of pageview events',
  unit: 'count',
  direction: 'higher',
  additive: true,
  sql: pageViewStats,
  finish: (st) => allViews([{ stats: st }]),
  finishRows: allViews,
};

export const sessionCount: MetricDef = {
  ...base,
  id: 'sessions',
  noBenchmark: 'A count: its level reflects the site’s traffic, not the quality of the visits.',
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
  noBenchmark: 'Depends on how visits are split (a 30-minute gap) and on single-event sessions counting 0 s, which analytics tools treat differently; no public benchmark with this definition exists.',
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
  benchmark: BOUNCE_BENCHMARK,
  name: 'Bounce rate',
  description: 'Share of sessions with exactly one page view and no interaction.',
  formula: 'sessions with one page view and no interaction event / sessions · 100',
  unit: 'percent',
  direction: 'lower',
  test: (st) => [num(st, 'k'), num(st, 'n')],
  sql: sessionStats,
  finish: (st) => rate(...kOfN(st), NONE),
  variants: [
    {
      id: 'bounce_not_engaged',
      name: 'Sessions not engaged (GA4 rule)',
      // Google's Analytics help, "[GA4] Session": engaged = longer than 10 s, a key event, or ≥ 2 page views.
      usedBy: ['Google Analytics 4'],
      reason: 'Google’s engaged-session rule; here a one-page session has no duration and every other event is an interaction, so it agrees with Retain’s value (GA4 itself times the page in view and counts only key events).',
      // Engaged: lasting ≥ 10 s, or ≥ 2 page views, or an interaction (METRICS.md). A session of one
      // page view and nothing else lasts 0 s, so this is Retain's bounce by another route.
      finish: (st) => rate(num(st, 'n') - num(st, 'engaged'), num(st, 'n'), NONE),
    },
  ],
};

/** Pages reported one by one in exit_rate's parts. */
const TOP_PAGES = 10;

export const exitRate: MetricDef = {
  ...base,
  statsAdditive: false,
  // Exits and views add up over buckets, page by page: the period is the sum of the series.
  periodFromSeries: true,
  id: 'exit_rate',
  noBenchmark: 'A rate per page whose level depends on the page’s role (a confirmation page is an exit by design); no band over all pages is meaningful.',
  name: 'Exit rate',
  description: 'Per page: sessions that ended on it as a share of its page views. The value is over all pages.',
  formula: 'sessions whose last page view is the page / page views of the page · 100',
  unit: 'percent',
  direction: 'lower',
  convention: `Exits count at the time of a session's last page view, page views at theirs, both in the period. parts holds the exit rate of the ${TOP_PAGES} most viewed pages, by path.`,
  // Views from the page-view statistics page_views reads; exits per page beside them, every page
  // kept (a full join: a session's customer, and so its segment, may differ from its last page
  // view's).
  sql: pageViewStats,
  alsoSql: [
    (s) => `SELECT ${s.bucket('q.exit_at')} AS bucket, ${s.segment('q.customer_id')} AS segment, q.exit_path AS key, CAST(count(*) AS BIGINT) AS exits
      FROM ${webSessions(s.d)} q WHERE q.exit_path IS NOT NULL AND ${s.inPeriod('q.exit_at')} AND ${s.keep('q.customer_id')} GROUP BY bucket, segment, key`,
  ],
  alsoJoin: 'full',
  finish: () => ({ value: null, n: 0 }),
  finishRows: (rows) => {
    // Without views or exits a key is no page (the '' of views without a path).
    const pages = new Map([...sumByKey(rows, ['exits', 'views'])].filter(([, p]) => p.views > 0 || p.exits > 0));
    const all = [...pages.values()].reduce((a, p) => ({ exits: a.exits + p.exits, views: a.views + p.views }), { exits: 0, views: 0 });
    const v = ratio(all.exits, all.views);
    if (v === null) return { value: null, n: 0, note: 'No page views in the period.' };
    const top = [...pages].sort((a, b) => b[1].views - a[1].views || a[0].localeCompare(b[0])).slice(0, TOP_PAGES);
    return { value: 100 * v, n: all.views, parts: Object.fromEntries(top.map(([path, p]) => [path, ratio(p.exits, p.views) === null ? null : (100 * p.exits) / p.views])) };
  },
};

export const WEB_METRICS: readonly MetricDef[] = [pageViews, sessionCount, avgSessionDuration, bounceRate, exitRate];
