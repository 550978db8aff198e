/** Customer service (Zendesk conventions): AHT, FCR, first response time, open tickets, complaints. */
import { kOfN, rate, ratio, stat as num } from '../stats.js';
import type { Benchmark, MetricDef } from '../types.js';


const FCR_BENCHMARK: Benchmark = {
  bands: [
    { label: 'low', max: 70 },
    { label: 'good', min: 70, max: 80 },
    { label: 'world class', min: 80 },
  ],
  source: 'SQM Group, 2022 call center FCR benchmark (over 500 North American call centers; 69 % or below low, 70–79 % good, 80 % or more world class)',
  facts: ['SQM measures FCR by post-contact survey; Retain counts tickets resolved in one contact, which reads higher where a customer comes back on a new ticket.'],
};


export const aht: MetricDef = {
  id: 'aht',
  noBenchmark: 'Handling time depends on the channel (phone, chat, email) and the kind of issue; published figures mix channels and state no common definition.',
  statsAdditive: true,
  name: 'Average handling time',
  description: 'Mean agent handling time of the tickets resolved in the period.',
  formula: 'mean handle_seconds of tickets resolved in the period',
  unit: 'seconds',
  direction: 'lower',
  tables: ['tickets'],
  teams: ['support'],
  convention: 'Tickets count in the period they were resolved in; tickets without a handling time are left out.',
  sql: (s) => `SELECT ${s.bucket('t.resolved_at')} AS bucket, ${s.segment('t.customer_id')} AS segment, count(*) AS n, sum(CAST(t.handle_seconds AS DOUBLE)) AS total
    FROM ${s.d.table('tickets')} t WHERE t.handle_seconds IS NOT NULL AND ${s.inPeriod('t.resolved_at')} AND ${s.keep('t.customer_id')} GROUP BY bucket, segment`,
  finish: (st) => {
    const v = ratio(num(st, 'total'), num(st, 'n'));
    return v === null ? { value: null, n: 0, note: 'No ticket with a handling time was resolved in the period.' } : { value: v, n: num(st, 'n') };
  },
};

export const fcr: MetricDef = {
  id: 'fcr',
  benchmark: FCR_BENCHMARK,
  statsAdditive: true,
  name: 'First contact resolution',
  description: 'Share of resolved tickets that needed exactly one contact.',
  formula: 'resolved tickets with contacts = 1 / resolved tickets with a contact count · 100',
  unit: 'percent',
  direction: 'higher',
  tables: ['tickets'],
  teams: ['support'],
  test: (st) => [num(st, 'k'), num(st, 'n')],
  convention: 'Tickets count in the period they were resolved in; tickets without a contact count are left out.',
  sql: (s) => `SELECT ${s.bucket('t.resolved_at')} AS bucket, ${s.segment('t.customer_id')} AS segment, count(*) AS n, ${s.d.countIf('t.contacts = 1')} AS k
    FROM ${s.d.table('tickets')} t WHERE t.contacts IS NOT NULL AND ${s.inPeriod('t.resolved_at')} AND ${s.keep('t.customer_id')} GROUP BY bucket, segment`,
  finish: (st) => rate(...kOfN(st), 'No ticket with a contact count was resolved in the period.'),
};

export const firstResponseTime: MetricDef = {
  id: 'first_response_time',
  noBenchmark: 'Depends on the channel and the service hours promised; published figures mix channels and state no common definition.',
  name: 'First response time',
  description: 'Median time from a ticket opening to the first agent response.',
  formula: 'median(first_response_at − opened_at) of tickets opened in the period with a response',
  unit: 'seconds',
  direction: 'lower',
  tables: ['tickets'],
  teams: ['support'],
  convention: 'The median, not the mean: a few forgotten tickets do not move it.',
  sql: (s) => `SELECT ${s.bucket('t.opened_at')} AS bucket, ${s.segment('t.customer_id')} AS segment, count(*) AS n,
      ${s.d.median(s.d.secondsBetween('t.opened_at', 't.first_response_at'))} AS median
    FROM ${s.d.table('tickets')} t WHERE t.first_response_at IS NOT NULL AND ${s.inPeriod('t.opened_at')} AND ${s.keep('t.customer_id')} GROUP BY bucket, segment`,
  finish: (st) => (num(st, 'n') === 0 ? { value: null, n: 0, note: 'No ticket opened in the period has a response.' } : { value: num(st, 'median'), n: num(st, 'n') }),
};

export const openTickets: MetricDef = {
  id: 'open_tickets',
  noBenchmark: 'A count: its level reflects the size of the customer base.',
  name: 'Open tickets',
  description: 'Tickets open at the end of the period (at each bucket end in a series).',
  formula: 'tickets with opened_at < to and no resolution before to',
  unit: 'count',
  direction: 'lower',
  tables: ['tickets'],
  teams: ['support'],
  // A ticket is open at the boundaries from the first after it opened to the first after it was
  // resolved: spread over that range, no join of tickets with boundaries.
  sql: (s) => {
    const spans = `SELECT t.customer_id AS customer_id, ${s.boundaryIndex('t.opened_at')} AS lo,
        CASE WHEN t.resolved_at IS NULL THEN ${s.boundaryCount} ELSE ${s.boundaryIndex('t.resolved_at')} END AS hi
      FROM ${s.d.table('tickets')} t WHERE t.opened_at < ${s.to} AND ${s.keep('t.customer_id')}`;
    return `SELECT CAST(i - 1 AS BIGINT) AS bucket, ${s.segment('x.customer_id')} AS segment, count(*) AS n FROM (${s.spread(spans)}) x WHERE i >= 1 GROUP BY bucket, segment`;
  },
  finish: (st) => ({ value: num(st, 'n'), n: num(st, 'n') }),
};

export const complaints: MetricDef = {
  id: 'complaints',
  noBenchmark: 'A count: its level reflects the size of the customer base; complaints per customer depend on what is flagged as one.',
  statsAdditive: true,
  name: 'Complaints',
  description: 'Tickets flagged as complaints opened in the period.',
  formula: 'count of tickets with is_complaint opened in the period',
  unit: 'count',
  direction: 'lower',
  tables: ['tickets'],
  teams: ['support', 'leadership'],
  additive: true,
  sql: (s) => `SELECT ${s.bucket('t.opened_at')} AS bucket, ${s.segment('t.customer_id')} AS segment, ${s.d.countIf('t.is_complaint')} AS n
    FROM ${s.d.table('tickets')} t WHERE ${s.inPeriod('t.opened_at')} AND ${s.keep('t.customer_id')} GROUP BY bucket, segment`,
  finish: (st) => ({ value: num(st, 'n'), n: num(st, 'n') }),
};

export const SUPPORT_METRICS: readonly MetricDef[] = [aht, fcr, firstResponseTime, openTickets, complaints];
