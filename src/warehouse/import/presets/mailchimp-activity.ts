/**
 * mailchimp-activity: Mailchimp's email activity export (a campaign's report → Download, or the
 * account's email-activity file), one line per recipient action with its time in the account's
 * zone. Opens, clicks, bounces, unsubscribes and sends become email_events; an action Retain
 * does not know is kept and rejected by name. See docs/presets/mailchimp-activity.md.
 */
import { col, concat, lit, lower, map, time, type Preset } from './preset.js';

const email = lower(col('Email Address'));
const campaign = col('Campaign ID');
const action = map(col('Action'), { open: 'open', opened: 'open', click: 'click', clicked: 'click', bounce: 'bounce', bounced: 'bounce', unsub: 'unsubscribe', unsubscribed: 'unsubscribe', sent: 'sent' });

export const mailchimpActivity: Preset = {
  name: 'mailchimp-activity',
  title: 'Mailchimp email activity export',
  signature: ['Email Address', 'Campaign ID', 'Action', 'Timestamp'],
  targets: [
    {
      table: 'email_events',
      parts: [
        {
          fields: {
            // Mailchimp gives actions no id: the campaign, recipient, action and time make one.
            event_id: concat(campaign, lit('|'), email, lit('|'), lower(col('Action')), lit('|'), col('Timestamp')),
            campaign_id: campaign,
            customer_id: email,
            occurred_at: time(col('Timestamp'), 'local'),
            type: action,
          },
        },
      ],
    },
  ],
};
