/** Social posts, events and campaigns, and feature adoption. */
import { rate, ratio, stat as num } from '../stats.js';
import type { MetricDef } from '../types.js';


export const socialEngagementRate: MetricDef = {
  id: 'social_engagement_rate',
  noBenchmark: 'Studies divide interactions by followers, reach or impressions, and differ by platform; no public benchmark with this definition (per impression, all platforms) exists.',
  statsAdditive: true,
  noSegments: true,
  name: 'Social engagement rate',
  description: 'Likes, shares, comments and clicks per impression of the posts published in the period.',
  formula: '(likes + shares + comments + clicks) / impressions · 100, posts by publication date, latest snapshot',
  unit: 'percent',
  direction: 'higher',
  tables: ['social_posts'],
  teams: ['marketing'],
  convention: 'parts holds the totals of each interaction; --by does not apply (posts have no customer).',
  sql: (s) => `SELECT ${s.bucket('p.posted_at')} AS bucket, ${s.d.nullText} AS segment, count(*) AS posts,
      sum(coalesce(p.impressions, 0)) AS impressions, sum(coalesce(p.likes, 0)) AS likes, sum(coalesce(p.shares, 0)) AS shares,
      sum(coalesce(p.comments, 0)) AS comments, sum(coalesce(p.clicks, 0)) AS clicks
    FROM ${s.d.table('social_posts')} p WHERE ${s.inPeriod('p.posted_at')} GROUP BY bucket, segment`,
  finish: (st) => {
    const interactions = num(st, 'likes') + num(st, 'shares') + num(st, 'comments') + num(st, 'clicks');
    const v = ratio(interactions, num(st, 'impressions'));
    const parts = { posts: num(st, 'posts'), impressions: num(st, 'impressions'), likes: num(st, 'likes'), shares: num(st, 'shares'), comments: num(st, 'comments'), clicks: num(st, 'clicks') };
    return v === null ? { value: null, n: num(st, 'posts'), parts, note: 'No impressions on posts published in the period.' } : { value: 100 * v, n: num(st, 'posts'), parts };
  },
};

/** Registrations in the period and what became of them; interactions and attendance by their own time. */
const eventStats = (s: Parameters<MetricDef['sql']>[0]) => {
  const d = s.d;
  return `SELECT ${s.bucket('r.registered_at')} AS bucket, ${s.segment('r.customer_id')} AS segment, count(*) AS registered,
      ${d.countIf('r.attended = 1')} AS attended, sum(r.interactions) AS interactions
    FROM (SELECT e.campaign_id, e.customer_id, min(CASE WHEN e.type = 'registered' THEN e.occurred_at END) AS registered_at,
        max(CASE WHEN e.type = 'attended' THEN 1 ELSE 0 END) AS attended, ${d.countIf("e.type = 'interaction'")} AS interactions
      FROM ${d.table('campaign_events')} e WHERE e.customer_id IS NOT NULL GROUP BY e.campaign_id, e.customer_id) r
    WHERE r.registered_at IS NOT NULL AND ${s.inPeriod('r.registered_at')} AND ${s.keep('r.customer_id')} GROUP BY bucket, segment`;
};

export const eventRegistrations: MetricDef = {
  id: 'event_registrations',
  noBenchmark: 'A count: its level reflects the size of the audience and how many events were held.',
  statsAdditive: true,
  name: 'Event registrations',
  description: 'Registrations for events and campaigns in the period.',
  formula: 'distinct (event, customer) registrations in the period',
  unit: 'count',
  direction: 'higher',
  tables: ['campaign_events'],
  teams: ['marketing'],
  additive: true,
  sql: eventStats,
  finish: (st) => ({ value: num(st, 'registered'), n: num(st, 'registered') }),
};

export const eventAttendanceRate: MetricDef = {
  id: 'event_attendance_rate',
  noBenchmark: 'Depends on whether events are free or paid, online or in person; no public benchmark with a stated definition exists.',
  statsAdditive: true,
  name: 'Event attendance rate',
  description: 'Share of registrations in the period that were followed by attendance.',
  formula: 'registrants who attended / registrants · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['campaign_events'],
  teams: ['marketing'],
  test: (st) => [num(st, 'attended'), num(st, 'registered')],
  sql: eventStats,
  finish: (st) => {
    const [k, n] = [num(st, 'attended'), num(st, 'registered')];
    return rate(k, n, 'No registrations in the period.', { parts: { attended: k, registered: n } });
  },
};

export const eventInteractionsPerAttendee: MetricDef = {
  id: 'event_interactions_per_attendee',
  noBenchmark: 'Depends on what an event offers to interact with (polls, submissions, comments); no public benchmark exists.',
  statsAdditive: true,
  name: 'Interactions per attendee',
  description: 'Polls, submissions and comments per attendee, for registrations in the period.',
  formula: 'interactions of registrants / registrants who attended',
  unit: 'ratio',
  direction: 'higher',
  tables: ['campaign_events'],
  teams: ['marketing'],
  sql: eventStats,
  finish: (st) => {
    const v = ratio(num(st, 'interactions'), num(st, 'attended'));
    return v === null ? { value: null, n: 0, note: 'Nobody attended in the period.' } : { value: v, n: num(st, 'attended'), parts: { interactions: num(st, 'interactions') } };
  },
};

export const EVENT_METRICS: readonly MetricDef[] = [socialEngagementRate, eventRegistrations, eventAttendanceRate, eventInteractionsPerAttendee];
