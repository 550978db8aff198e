/**
 * klaviyo-events: Klaviyo's metric export (Analytics → Metrics → a metric → Export, or several),
 * one line per event with an ISO timestamp and offset. Email metrics (Received, Opened, Clicked,
 * Bounced, Unsubscribed) become email_events; other metrics (Placed Order, Active on Site…) are
 * skipped and counted. See docs/presets/klaviyo-events.md.
 */
import { coalesce, col, isIn, lower, map, time, type Preset } from './preset.js';

const TYPES: Readonly<Record<string, string>> = {
  'received email': 'delivered',
  'opened email': 'open',
  'clicked email': 'click',
  'bounced email': 'bounce',
  'unsubscribed from email marketing': 'unsubscribe',
  unsubscribed: 'unsubscribe',
};

export const klaviyoEvents: Preset = {
  name: 'klaviyo-events',
  title: 'Klaviyo events (metric) export',
  signature: ['Event ID', 'Metric', 'Timestamp', 'Email'],
  targets: [
    {
      table: 'email_events',
      parts: [
        {
          where: [{ keep: isIn(col('Metric'), Object.keys(TYPES)), reason: 'events that are not email deliveries or engagement (e.g. Placed Order)' }],
          fields: {
            event_id: col('Event ID'),
            // A flow's message has no campaign: its flow stands in.
            campaign_id: coalesce(col('Campaign ID', { optional: true }), col('Flow ID', { optional: true })),
            customer_id: lower(col('Email')),
            occurred_at: time(col('Timestamp'), 'offset'),
            type: map(col('Metric'), TYPES),
          },
        },
      ],
    },
  ],
};
