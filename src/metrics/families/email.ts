/**
 * Email engagement (Klaviyo/Mailchimp conventions): rates over the recipients a campaign was
 * delivered to in the period, counting each recipient once per campaign (unique opens, unique
 * clicks), whenever their open or click came.
 */
import { aroundAverage } from '../average-bands.js';
import { rate, ratio, stat as num } from '../stats.js';
import type { Scope } from '../scope.js';
import type { Benchmark, MetricDef, Stats, Value } from '../types.js';


/**
 * Per (campaign, recipient) delivered in the period — or, by `sent_at`, sent in it (a sent,
 * delivered or bounce event: a workspace may record only the outcome) — did they open, click,
 * unsubscribe, convert, and how many open events they had.
 */
function recipients(s: Scope, basis: 'delivered_at' | 'sent_at' = 'delivered_at'): string {
  const d = s.d;
  const has = (type: string) => `max(CASE WHEN e.type = ${d.str(type)} THEN 1 ELSE 0 END)`;
  // One pass over the events from the period's start (what follows a delivery cannot precede it),
  // grouped by recipient; a click counts as an open too: mail clients that block tracking pixels
  // still record clicks.
  const perRecipient = `SELECT e.campaign_id, e.customer_id, min(CASE WHEN e.type = 'delivered' THEN e.occurred_at END) AS delivered_at,
        min(CASE WHEN e.type IN ('sent', 'delivered', 'bounce') THEN e.occurred_at END) AS sent_at, ${has('open')} AS opened,
        sum(CASE WHEN e.type = 'open' THEN 1 ELSE 0 END) AS opens,
        ${has('click')} AS clicked, ${has('unsubscribe')} AS unsubscribed, ${has('conversion')} AS converted
      FROM ${d.table('email_events')} e WHERE e.occurred_at >= ${s.from} GROUP BY e.campaign_id, e.customer_id`;
  // A conversion is also a completed order within 7 days of the first click: the clickers meet
  // their orders by an equi-join on the customer (as every engine runs), the window in WHERE.
  // The clickers come from the click events alone (a few), not from grouping every event again.
  const clickers = `SELECT e.campaign_id AS campaign_id, e.customer_id AS customer_id, min(e.occurred_at) AS first_click
      FROM ${d.table('email_events')} e WHERE e.type = 'click' AND e.occurred_at >= ${s.from} GROUP BY campaign_id, customer_id`;
  const byOrder = `SELECT campaign_id, customer_id, 1 AS ordered FROM (${clickers}) c
      ${d.join('inner')} (SELECT customer_id, ordered_at FROM ${d.table('orders')} o WHERE o.status = 'completed' AND o.ordered_at >= ${s.from}) o USING (customer_id)
      WHERE o.ordered_at >= c.first_click AND o.ordered_at < ${d.addDays('c.first_click', 7)} GROUP BY campaign_id, customer_id`;
  return `SELECT ${s.bucket(`x.${basis}`)} AS bucket, ${s.segment('x.customer_id')} AS segment, CASE WHEN x.opened = 1 OR x.clicked = 1 THEN 1 ELSE 0 END AS opened,
      x.clicked AS clicked, x.unsubscribed AS unsubscribed, CASE WHEN x.converted = 1 OR y.ordered = 1 THEN 1 ELSE 0 END AS converted, x.opens AS opens
    FROM (${perRecipient}) x ${d.join('left')} (${byOrder}) y USING (campaign_id, customer_id)
    WHERE ${s.inPeriod(`x.${basis}`)} AND ${s.keep('x.customer_id')}`;
}

/** Delivered recipients and how many opened, clicked, unsubscribed, converted: one query for every email rate. */
const emailStats = (s: Scope) => `SELECT bucket, segment, count(*) AS delivered, sum(opened) AS opened, sum(clicked) AS clicked,
    sum(unsubscribed) AS unsubscribed, sum(converted) AS converted, sum(opens) AS opens
  FROM (${recipients(s)}) r GROUP BY bucket, segment`;

/** Recipients sent a campaign in the period, and how many of them opened (the open rate over sent). */
const sentStats = (s: Scope) => `SELECT bucket, segment, count(*) AS sent, sum(opened) AS sent_opened FROM (${recipients(s, 'sent_at')}) r GROUP BY bucket, segment`;
const NO_MAIL = 'No email was delivered (or opened) in the period.';

/** Open events per delivered recipient, in percent: no interval, as it is not a share (it can pass 100 %). */
function opensPerDelivered(st: Stats): Value {
  const v = ratio(num(st, 'opens'), num(st, 'delivered'));
  return v === null ? { value: null, n: 0, note: NO_MAIL } : { value: 100 * v, n: num(st, 'delivered') };
}

function emailRate(id: string, name: string, description: string, formula: string, num_: string, den: string, variants?: MetricDef['variants']): MetricDef {
  return {
    id,
    name,
    description,
    formula,
    unit: 'percent',
    statsAdditive: true,
    direction: id === 'email_unsubscribe_rate' ? 'lower' : 'higher',
    tables: ['email_events'],
    teams: ['marketing'],
    test: (st) => [num(st, num_), num(st, den)],
    convention: 'Recipients of campaigns delivered in the period (by delivery time), each counted once per campaign; a click counts as an open.',
    sql: emailStats,
    finish: (st) => rate(num(st, num_), num(st, den), NO_MAIL),
    ...(variants ? { variants } : {}),
  };
}

// Mailchimp's averages over campaigns sent to 1,000 or more subscribers, all industries: unique
// opens and unique clicks over delivered emails, as these rates count them.
const MAILCHIMP = 'Mailchimp, Email Marketing Benchmarks by Industry (October 2019; campaigns to 1,000 or more subscribers, all industries)';
const mailchimp = (average: number, what: string): Benchmark => aroundAverage(average, 'all-industry', `${MAILCHIMP}: average ${what} ${average} %`);

export const EMAIL_METRICS: readonly MetricDef[] = [
  {
    ...emailRate('email_open_rate', 'Email open rate', 'Share of delivered recipients who opened.', 'unique opens / delivered · 100', 'opened', 'delivered', [
    {
      id: 'email_total_opens',
      name: 'Opens (not unique) / delivered',
      // Twilio SendGrid's glossary: the opens percentage is every open over delivered messages.
      usedBy: ['Twilio SendGrid'],
      reason: 'Every open event counts, so a recipient who opens three times counts three times (and one who only clicked, none); it can pass 100 %.',
      finish: opensPerDelivered,
    },
    {
      id: 'email_opens_of_sent',
      name: 'Unique openers / sent',
      reason: 'Bounced mail stays in the denominator, so it is lower wherever mail bounces.',
      sql: sentStats,
      finish: (st) => rate(num(st, 'sent_opened'), num(st, 'sent'), 'No email was sent in the period.'),
    },
  ]),
    benchmark: mailchimp(22.71, 'unique open rate'),
  },
  {
    ...emailRate('email_ctr', 'Email click-through rate', 'Share of delivered recipients who clicked.', 'unique clickers / delivered · 100', 'clicked', 'delivered'),
    benchmark: mailchimp(2.91, 'click rate'),
  },
  {
    ...emailRate('email_click_to_open', 'Email click-to-open rate', 'Share of openers who clicked.', 'unique clickers / unique openers · 100', 'clicked', 'opened'),
    noBenchmark: 'No public benchmark with this definition was found: the published studies give open and click rates over delivered emails, not clicks over opens.',
  },
  {
    ...emailRate(
      'email_conversion_rate',
      'Email conversion rate',
      'Share of delivered recipients who converted: a conversion event, or a completed order within 7 days of their click.',
      'recipients with a conversion attributed to the campaign / delivered · 100',
      'converted',
      'delivered',
    ),
    noBenchmark: 'What counts as a conversion (an event, or an order within 7 days of a click) differs between tools; no public benchmark with this definition exists.',
  },
  {
    ...emailRate('email_unsubscribe_rate', 'Email unsubscribe rate', 'Share of delivered recipients who unsubscribed.', 'unsubscribes / delivered · 100', 'unsubscribed', 'delivered'),
    benchmark: mailchimp(0.25, 'unsubscribe rate'),
  },
];
