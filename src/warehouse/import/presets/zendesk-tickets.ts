/**
 * zendesk-tickets: Zendesk's ticket export (Reporting → Export, or a view exported as CSV), times
 * in the account's time zone without an offset — so --timezone is required. Tickets become
 * tickets; a Good or Bad satisfaction rating becomes a CSAT answer (5 or 1 on a 5-point scale).
 * See docs/presets/zendesk-tickets.md.
 */
import { coalesce, col, concat, isIn, lit, map, plusMinutes, time, type Preset } from './preset.js';

const id = col('ID');
const local = (name: string) => time(col(name), 'local');

export const zendeskTickets: Preset = {
  name: 'zendesk-tickets',
  title: 'Zendesk tickets export',
  signature: ['ID', 'Requester ID', 'Satisfaction Score', 'First reply time in minutes'],
  requires: ['timezone'],
  targets: [
    {
      table: 'tickets',
      parts: [
        {
          fields: {
            ticket_id: id,
            customer_id: col('Requester ID'),
            opened_at: local('Created at'),
            first_response_at: plusMinutes(local('Created at'), col('First reply time in minutes')),
            resolved_at: local('Solved at'),
            contacts: col('Replies'),
            channel: col('Via'),
          },
        },
      ],
    },
    {
      table: 'survey_responses',
      parts: [
        {
          where: [{ keep: isIn(col('Satisfaction Score'), ['good', 'bad']), reason: 'tickets without a Good or Bad rating (no CSAT answer)' }],
          fields: {
            response_id: concat(id, lit(':csat')),
            customer_id: col('Requester ID'),
            survey: lit('csat'),
            score: map(col('Satisfaction Score'), { good: '5', bad: '1' }),
            scale_max: lit('5'),
            // Rated once solved; a ticket rated before it was solved is dated when it was opened.
            responded_at: coalesce(local('Solved at'), local('Created at')),
            touchpoint: lit('support ticket'),
          },
        },
      ],
    },
  ],
};
