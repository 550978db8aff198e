/**
 * stripe-subscriptions: the Stripe dashboard's subscriptions export (Billing → Subscriptions →
 * Export), one line per subscription, amounts in major units and times in UTC. Each subscription
 * gives a start event with its MRR (a yearly plan's amount / 12) and, once it ended, an end event
 * with MRR 0. See docs/presets/stripe-subscriptions.md.
 */
import { coalesce, col, concat, earliest, first, isIn, lit, map, over, present, time, times, upper, when, type Preset } from './preset.js';

const id = col('id');
const customer = col('Customer ID');
const utc = (name: string) => time(col(name), 'utc');
const ended = coalesce(utc('Ended At (UTC)'), when(isIn(col('Status'), ['canceled']), utc('Canceled At (UTC)')));

/** MRR: the amount of all seats, per month (a year is 12 months, a week 12/52 of one, a day 12/365). */
const perInterval = times(col('Amount'), coalesce(col('Quantity'), lit('1')));
const mrr = over(times(perInterval, map(col('Interval'), { day: '365', week: '52', month: '1', year: '1' })), map(col('Interval'), { day: '12', week: '12', month: '1', year: '12' }));

const event = { customer_id: customer, subscription_id: id, currency: upper(col('Currency')), plan: col('Plan') };

export const stripeSubscriptions: Preset = {
  name: 'stripe-subscriptions',
  title: 'Stripe subscriptions export',
  signature: ['id', 'Customer ID', 'Plan', 'Interval', 'Start (UTC)', 'Current Period End (UTC)'],
  targets: [
    {
      table: 'customers',
      parts: [{ groupBy: customer, fields: { customer_id: first(customer), created_at: earliest(utc('Created (UTC)')), email: first(col('Customer Email')), plan: first(col('Plan')) } }],
    },
    {
      table: 'subscription_events',
      parts: [
        { fields: { ...event, event_id: concat(id, lit(':start')), occurred_at: utc('Start (UTC)'), mrr } },
        // Only subscriptions that ended (or were cancelled at once) have an end; the others are running.
        { where: [{ keep: present(ended) }], fields: { ...event, event_id: concat(id, lit(':end')), occurred_at: ended, mrr: lit('0') } },
      ],
    },
  ],
};
