/**
 * The canonical tables of the data model (shared/spec/DATA_MODEL.md), each declared once. DDL, the
 * zod validators, the bulk validation SQL, the generated docs and the CLI's table list all read
 * this array; nothing else lists tables.
 */
import { f, type FieldDef } from './fields.js';

/** A reference to another table. Unknown targets are accepted and counted as orphans. */
export interface Reference {
  readonly field: string;
  readonly table: string;
  readonly column: string;
}

/** Money fields converted to the reporting currency at import, with the rate in force on `dateField`. */
export interface FxSpec {
  readonly currencyField: string;
  readonly dateField: string;
}

/** A score whose allowed range depends on another field (survey kind → scale). */
export interface RangeByRule {
  readonly field: string;
  readonly by: string;
  readonly ranges: Readonly<Record<string, { min: number; max: number; maxField?: string }>>;
}

export interface TableDef {
  readonly name: string;
  readonly description: string;
  /** Key fields, in order; a row whose key exists is a duplicate. */
  readonly key: readonly string[];
  readonly fields: readonly FieldDef[];
  readonly references: readonly Reference[];
  readonly fx?: FxSpec;
  readonly rangeBy?: RangeByRule;
  /** "Latest snapshot wins": a changed row with an existing key replaces it instead of being a duplicate. */
  readonly upsert?: boolean;
  /** Field whose value decides the period a row belongs to (for summaries). */
  readonly timeField?: string;
  /**
   * Fields required unless another is given (a credit note names its customer, rarely the sale):
   * a row-level rule both validators apply, reported as `field: missing (required unless other is given)`.
   */
  readonly requiredUnless?: readonly { readonly field: string; readonly unless: string }[];
}

const cust = (field = 'customer_id'): Reference => ({ field, table: 'customers', column: 'customer_id' });
const order: Reference = { field: 'order_id', table: 'orders', column: 'order_id' };

const SURVEYS = ['nps', 'csat', 'ces', 'cli_recommend', 'cli_repurchase', 'cli_other_products'] as const;
const cli = { min: 1, max: 6 };

/** The declarations with their literal types, for the row types in types.ts. */
export const TABLE_DECLS = [
  {
    name: 'customers',
    description: 'One row per customer, with the segment fields reports filter and group by.',
    key: ['customer_id'],
    timeField: 'created_at',
    references: [],
    fields: [
      f.id('customer_id', 'Your identifier for the customer.', { required: true }),
      f.timestamp('created_at', 'When the customer was acquired (signed up or first known).', { required: true }),
      f.text('email', 'Email address.'),
      f.text('name', 'Display name.'),
      f.text('country', 'Country code or name.'),
      f.text('channel', 'Acquisition channel.'),
      f.text('plan', 'Current plan, if any.'),
      f.json('attributes', 'Free-form segment fields as a JSON object (industry, region, …).'),
    ],
  },
  {
    name: 'orders',
    description: 'Purchases. Only completed orders count; refunds arrive as returns.',
    key: ['order_id'],
    timeField: 'ordered_at',
    references: [cust()],
    fx: { currencyField: 'currency', dateField: 'ordered_at' },
    fields: [
      f.id('order_id', 'Order identifier.', { required: true }),
      f.id('customer_id', 'Customer who placed the order.', { required: true }),
      f.timestamp('ordered_at', 'When the order was placed.', { required: true }),
      f.money('amount', 'Order total in the order currency.', { required: true }),
      f.currency('currency', 'Order currency; the workspace currency when empty.'),
      f.enum('status', ['completed', 'cancelled'], 'completed (default) or cancelled.', { default: 'completed' }),
      f.text('channel', 'Sales channel.'),
    ],
  },
  {
    name: 'order_items',
    description: 'Order lines, for categories, cross-sell and units sold.',
    key: ['order_id', 'line_id'],
    references: [order],
    fields: [
      f.id('order_id', 'Order the line belongs to.', { required: true }),
      f.id('line_id', 'Line identifier within the order.', { required: true }),
      f.id('product_id', 'Product identifier.', { required: true }),
      f.text('category', 'Product category.'),
      f.decimal('quantity', 'Units.', { required: true }),
      f.money('unit_price', 'Price per unit in the order currency.', { required: true }),
    ],
  },
  {
    name: 'returns',
    description: 'Returned units and refunds.',
    key: ['return_id'],
    timeField: 'returned_at',
    references: [order, cust()],
    requiredUnless: [{ field: 'order_id', unless: 'customer_id' }],
    fields: [
      f.id('return_id', 'Return identifier.', { required: true }),
      f.id('order_id', 'Order the units were bought in; may be empty when customer_id is given (a credit note rarely names the sale).'),
      f.id('customer_id', 'Customer who returned the units; the order’s customer when empty.', { added: true }),
      f.id('product_id', 'Product returned.'),
      f.decimal('quantity', 'Units returned.', { required: true }),
      f.money('amount', 'Amount refunded, in the workspace currency.'),
      f.timestamp('returned_at', 'When the return was received.', { required: true }),
      f.text('reason', 'Return reason.'),
    ],
  },
  {
    name: 'subscription_events',
    description: 'Every change of a subscription: its MRR from this instant on (0 ends it).',
    key: ['event_id'],
    timeField: 'occurred_at',
    references: [cust()],
    fx: { currencyField: 'currency', dateField: 'occurred_at' },
    fields: [
      f.id('event_id', 'Event identifier.', { required: true }),
      f.id('customer_id', 'Subscribing customer.', { required: true }),
      f.id('subscription_id', 'Subscription identifier.', { required: true }),
      f.timestamp('occurred_at', 'When the change took effect.', { required: true }),
      f.money('mrr', 'Monthly recurring revenue from this instant on; 0 ends the subscription.', { required: true }),
      f.currency('currency', 'MRR currency; the workspace currency when empty.'),
      f.text('plan', 'Plan after the change.'),
    ],
  },
  {
    name: 'invoices',
    description: 'Invoices issued on credit, for DSO and late payment.',
    key: ['invoice_id'],
    timeField: 'issued_at',
    references: [cust()],
    fx: { currencyField: 'currency', dateField: 'issued_at' },
    fields: [
      f.id('invoice_id', 'Invoice identifier.', { required: true }),
      f.id('customer_id', 'Invoiced customer.', { required: true }),
      f.timestamp('issued_at', 'When the invoice was issued.', { required: true }),
      f.timestamp('due_at', 'Payment due date (may be in the future).', { future: true }),
      f.money('amount', 'Invoice amount.', { required: true }),
      f.currency('currency', 'Invoice currency; the workspace currency when empty.'),
      f.timestamp('paid_at', 'When it was paid (empty while unpaid).'),
      f.money('paid_amount', 'Amount paid.'),
    ],
  },
  {
    name: 'survey_responses',
    description: 'NPS, CSAT, CES and CLI answers.',
    key: ['response_id'],
    timeField: 'responded_at',
    references: [cust()],
    rangeBy: {
      field: 'score',
      by: 'survey',
      ranges: {
        nps: { min: 0, max: 10 },
        csat: { min: 1, max: 5, maxField: 'scale_max' },
        ces: { min: 1, max: 7 },
        cli_recommend: cli,
        cli_repurchase: cli,
        cli_other_products: cli,
      },
    },
    fields: [
      f.id('response_id', 'Answer identifier.', { required: true }),
      f.id('customer_id', 'Answering customer, when known.'),
      f.enum('survey', SURVEYS, 'Which question was answered.', { required: true }),
      f.integer('score', 'The answer: NPS 0–10, CSAT 1–scale_max, CES 1–7, CLI 1–6.', { required: true }),
      { ...f.integer('scale_max', 'CSAT scale: 5 (default) or 10.'), values: ['5', '10'] },
      f.timestamp('responded_at', 'When the answer was given.', { required: true }),
      f.text('touchpoint', 'Where the survey was shown.'),
      f.text('comment', 'Free-text comment.'),
    ],
  },
  {
    name: 'loyalty_members',
    description: 'Loyalty programme membership.',
    key: ['customer_id'],
    timeField: 'joined_at',
    references: [cust()],
    fields: [
      f.id('customer_id', 'Member.', { required: true }),
      f.timestamp('joined_at', 'When the customer joined.', { required: true }),
      f.text('tier', 'Programme tier.'),
      f.timestamp('left_at', 'When the customer left, if they did.'),
    ],
  },
  {
    name: 'loyalty_ledger',
    description: 'Points earned, redeemed, expired and adjusted.',
    key: ['entry_id'],
    timeField: 'occurred_at',
    references: [cust()],
    fields: [
      f.id('entry_id', 'Ledger entry identifier.', { required: true }),
      f.id('customer_id', 'Member.', { required: true }),
      f.timestamp('occurred_at', 'When the entry was booked.', { required: true }),
      f.enum('kind', ['earn', 'redeem', 'expire', 'adjust'], 'earn, redeem, expire or adjust; gives the sign.', {
        required: true,
      }),
      f.decimal('points', 'Points, a positive number.', { required: true, exclusiveMin: true }),
      f.text('reward', 'Reward redeemed.'),
    ],
  },
  {
    name: 'tickets',
    description: 'Support tickets.',
    key: ['ticket_id'],
    timeField: 'opened_at',
    references: [cust()],
    fields: [
      f.id('ticket_id', 'Ticket identifier.', { required: true }),
      f.id('customer_id', 'Customer, when known.'),
      f.timestamp('opened_at', 'When the ticket was opened.', { required: true }),
      f.timestamp('first_response_at', 'First agent response.'),
      f.timestamp('resolved_at', 'Resolution time.'),
      f.decimal('handle_seconds', 'Agent handling time in seconds.'),
      f.integer('contacts', 'Contacts until resolution.', { min: 0 }),
      f.text('channel', 'Support channel.'),
      f.boolean('is_complaint', 'Whether the ticket is a complaint.'),
    ],
  },
  {
    name: 'web_events',
    description: 'Page views and interactions on the website or app.',
    key: ['event_id'],
    timeField: 'occurred_at',
    references: [cust()],
    fields: [
      f.id('event_id', 'Event identifier.', { required: true }),
      f.id('visitor_id', 'Anonymous visitor identifier.', { required: true }),
      f.id('customer_id', 'Customer, when the visitor is known.'),
      f.id('session_id', 'Session identifier; derived (30-minute gap) when empty.'),
      f.timestamp('occurred_at', 'When the event happened.', { required: true }),
      f.text('type', 'pageview or an interaction name.', { required: true }),
      f.text('path', 'Page path.'),
    ],
  },
  {
    name: 'email_events',
    description: 'Email campaign delivery and engagement.',
    key: ['event_id'],
    timeField: 'occurred_at',
    references: [cust()],
    fields: [
      f.id('event_id', 'Event identifier.', { required: true }),
      f.id('campaign_id', 'Campaign.', { required: true }),
      f.id('customer_id', 'Recipient.', { required: true }),
      f.timestamp('occurred_at', 'When it happened.', { required: true }),
      f.enum(
        'type',
        ['sent', 'delivered', 'open', 'click', 'unsubscribe', 'bounce', 'conversion'],
        'sent, delivered, open, click, unsubscribe, bounce or conversion.',
        { required: true },
      ),
    ],
  },
  {
    name: 'social_posts',
    description: 'Social media posts with their latest engagement snapshot (a re-import updates them).',
    key: ['post_id'],
    timeField: 'posted_at',
    references: [],
    upsert: true,
    fields: [
      f.id('post_id', 'Post identifier.', { required: true }),
      f.text('channel', 'Network or account.', { required: true }),
      f.timestamp('posted_at', 'When it was posted.', { required: true }),
      f.integer('impressions', 'Impressions.', { min: 0 }),
      f.integer('likes', 'Likes.', { min: 0 }),
      f.integer('shares', 'Shares.', { min: 0 }),
      f.integer('comments', 'Comments.', { min: 0 }),
      f.integer('clicks', 'Clicks.', { min: 0 }),
    ],
  },
  {
    name: 'campaign_events',
    description: 'Events and campaigns: registrations, attendance and interactions.',
    key: ['event_id'],
    timeField: 'occurred_at',
    references: [cust()],
    fields: [
      f.id('event_id', 'Event identifier.', { required: true }),
      f.id('campaign_id', 'The event or campaign.', { required: true }),
      f.id('customer_id', 'Participant, when known.'),
      f.timestamp('occurred_at', 'When it happened.', { required: true }),
      f.enum('type', ['registered', 'attended', 'interaction'], 'registered, attended or interaction.', {
        required: true,
      }),
    ],
  },
  {
    name: 'activity_events',
    description: 'Product usage events (feature use), for adoption and engagement score.',
    key: ['event_id'],
    timeField: 'occurred_at',
    references: [cust()],
    fields: [
      f.id('event_id', 'Event identifier.', { required: true }),
      f.id('customer_id', 'Customer.', { required: true }),
      f.timestamp('occurred_at', 'When it happened.', { required: true }),
      f.text('name', 'Event or feature name.', { required: true }),
      f.json('properties', 'Event properties as a JSON object.'),
    ],
  },
  {
    name: 'fx_rates',
    description: 'Exchange rates: units of the reporting currency per unit of currency.',
    key: ['currency', 'date'],
    timeField: 'date',
    references: [],
    fields: [
      f.currency('currency', 'Currency converted from.', { required: true }),
      f.date('date', 'Date the rate applies from.', { required: true }),
      f.decimal('rate', 'Reporting currency per unit of currency.', { required: true, exclusiveMin: true }),
    ],
  },
] as const satisfies readonly TableDef[];

/** Every canonical table. */
export const TABLES: readonly TableDef[] = TABLE_DECLS;

export type TableName = (typeof TABLE_DECLS)[number]['name'];
export const TABLE_NAMES: readonly TableName[] = TABLE_DECLS.map((t) => t.name);

/** The columns a table stores: its fields, and `_rate` (the FX rate applied at import) for a table with money. */
export const storedColumns = (t: TableDef): string[] => [...t.fields.map((f) => f.name), ...(t.fx ? ['_rate'] : [])];

/**
 * Beside its stored columns each table has `_import_id`, the import that stored the row (what
 * undo removes), and a table of the rows upserts replaced (what undo restores). Neither is data:
 * queries list stored columns, never `*`.
 */
export const IMPORT_ID = '_import_id';
export const replacedTable = (t: TableDef): string => `_replaced_${t.name}`;

/** The one message of a requiredUnless rule, in both validators' words. */
export const requiredUnlessMessage = (r: { field: string; unless: string }): string => `${r.field}: missing (required unless ${r.unless} is given)`;

export function tableDef(name: string): TableDef {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown table ${name}`);
  return t;
}

export function isTableName(name: string): name is TableName {
  return TABLES.some((t) => t.name === name);
}
