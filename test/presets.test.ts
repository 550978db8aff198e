/**
 * Every preset imports its hand-written fixture (the vendor's column layout, quoting and date
 * style) with the rows counted here by hand, and a messy file of the same layout with its rejects,
 * their reasons and the accounting identity (read = accepted + duplicates + quarantined per table;
 * the file's lines = the lines a line-level table read + the lines skipped).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectPreset, PRESETS } from '../src/warehouse/import/presets/index.js';
import { importPreset, type PresetImportOptions, type PresetImportSummary } from '../src/warehouse/import/presets/run.js';
import { setSetting } from '../src/warehouse/schema/settings.js';
import { tableDef } from '../src/warehouse/schema/tables.js';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { memoryWorkspace, reasonsByRow, tmp, writeFixture } from './helpers/workspace.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'presets');
const open: Warehouse[] = [];
afterEach(async () => {
  for (const wh of open.splice(0)) await wh.close();
});

async function run(fixture: string, o: Omit<PresetImportOptions, 'file'> = {}, currency = 'USD') {
  const wh = await memoryWorkspace();
  open.push(wh);
  await setSetting(wh, 'currency', currency);
  const s = await importPreset(wh, { file: fixture.startsWith('/') ? fixture : join(FIXTURES, fixture), ...o });
  for (const t of s.tables) expect(t.read, `${t.table}: read = accepted + duplicates + quarantined`).toBe(t.accepted + t.duplicates + t.quarantined);
  const rows = async (sql: string) => wh.query(sql);
  return { wh, s, rows };
}

/** Per table: [read, accepted, duplicates, quarantined]. */
const tally = (s: PresetImportSummary) => Object.fromEntries(s.tables.map((t) => [t.table, [t.read, t.accepted, t.duplicates, t.quarantined]]));
const skipped = (s: PresetImportSummary) => s.skipped.map((k) => [k.reason, k.lines, k.tables]);

describe('every preset', () => {
  it('maps only fields of its tables and is detected from its own signature', () => {
    for (const p of PRESETS) {
      for (const t of p.targets) for (const part of t.parts) for (const f of Object.keys(part.fields)) expect(tableDef(t.table).fields.map((x) => x.name)).toContain(f);
      expect(detectPreset(p.signature)?.name).toBe(p.name);
    }
    expect(detectPreset(['order_id', 'customer_id'])).toBeNull();
  });

  it('names what is wrong: a file no preset reads, an unknown preset, a column the preset needs', async () => {
    const dir = tmp();
    await expect(run(writeFixture(dir, 'orders.csv', 'order_id,customer_id\no1,c1\n'))).rejects.toThrow(/Name the table to import .*orders\.csv into, or a preset: its columns match no preset/);
    await expect(run('shopify-orders.csv', { preset: 'shopify' })).rejects.toThrow(/Unknown preset shopify/);
    const cut = writeFixture(dir, 'cut.csv', 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n1,a,1,2011-01-01,1,c\n');
    await expect(run(cut, { preset: 'shopify-orders' })).rejects.toThrow(/has no column .*"Name".*which the shopify-orders preset reads/);
  });
});

describe('shopify-orders', () => {
  it('groups line items by Name into orders, items, customers by email and refunds as returns', async () => {
    const { s, rows } = await run('shopify-orders.csv', {}, 'EUR');
    expect(s).toMatchObject({ preset: 'shopify-orders', detected: true, lines: 6 });
    // #1001 (2 lines), #1002 (1, cancelled and refunded), #1003 (2, part refunded); #1004 has no email.
    expect(tally(s)).toEqual({ customers: [2, 2, 0, 0], orders: [3, 3, 0, 0], order_items: [5, 5, 0, 0], returns: [2, 2, 0, 0] });
    expect(skipped(s)).toEqual([['lines without an email (the customer is unknown)', 1, ['customers', 'orders', 'order_items', 'returns']]]);
    expect(await rows(`SELECT customer_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS at, name FROM customers ORDER BY 1`)).toEqual([
      { customer_id: 'ana@example.com', at: '2025-10-07T07:50:26', name: 'Ana Lima' },
      { customer_id: 'ben@example.com', at: '2025-10-08T16:05:00', name: 'Ben Ott' },
    ]);
    // Offsets +0200 and -0400 read as such; Total as the amount, Cancelled at as the status.
    expect(await rows(`SELECT order_id, customer_id, strftime(ordered_at, '%Y-%m-%dT%H:%M:%S') AS at, CAST(amount AS DOUBLE) AS amount, currency, status, channel FROM orders ORDER BY 1`)).toEqual([
      { order_id: '#1001', customer_id: 'ana@example.com', at: '2025-10-07T07:50:26', amount: 59.9, currency: 'EUR', status: 'completed', channel: 'web' },
      { order_id: '#1002', customer_id: 'ben@example.com', at: '2025-10-08T16:05:00', amount: 25, currency: 'EUR', status: 'cancelled', channel: 'web' },
      { order_id: '#1003', customer_id: 'ana@example.com', at: '2025-10-10T15:00:00', amount: 44.5, currency: 'EUR', status: 'completed', channel: 'web' },
    ]);
    expect(await rows(`SELECT order_id, line_id, product_id, CAST(quantity AS DOUBLE) AS q, CAST(unit_price AS DOUBLE) AS p FROM order_items ORDER BY 1, 2`)).toEqual([
      { order_id: '#1001', line_id: '1', product_id: 'TEE-M-BLK', q: 2, p: 19.95 },
      { order_id: '#1001', line_id: '2', product_id: 'MUG-01', q: 1, p: 20 },
      { order_id: '#1002', line_id: '1', product_id: 'CAP-1', q: 1, p: 25 },
      { order_id: '#1003', line_id: '1', product_id: 'HOOD-L', q: 1, p: 39.5 },
      { order_id: '#1003', line_id: '2', product_id: 'Gift wrap', q: 1, p: 5 },
    ]);
    // A full refund returns the order's units; a partial one is an amount without units.
    expect(await rows(`SELECT return_id, order_id, customer_id, CAST(quantity AS DOUBLE) AS q, CAST(amount AS DOUBLE) AS amount, strftime(returned_at, '%Y-%m-%dT%H:%M:%S') AS at FROM returns ORDER BY 1`)).toEqual([
      { return_id: '#1002-refund', order_id: '#1002', customer_id: 'ben@example.com', q: 1, amount: 25, at: '2025-10-09T06:00:00' },
      { return_id: '#1003-refund', order_id: '#1003', customer_id: 'ana@example.com', q: 0, amount: 5, at: '2025-10-10T15:00:00' },
    ]);
  });

  it('shows the rejects of a messy export with their reasons', async () => {
    const { s, wh } = await run('shopify-orders-messy.csv', { preset: 'shopify-orders' }, 'EUR');
    expect(s.detected).toBe(false);
    expect(tally(s)).toEqual({ customers: [4, 2, 0, 2], orders: [4, 1, 0, 3], order_items: [5, 2, 0, 3], returns: [0, 0, 0, 0] });
    expect(s.tables.find((t) => t.table === 'order_items')?.orphans).toBe(2); // the lines of #2001 and #2002, whose orders were rejected
    expect(skipped(s)).toEqual([['lines without an email (the customer is unknown)', 1, ['customers', 'orders', 'order_items', 'returns']]]);
    // 6 lines = 5 order lines + 1 skipped.
    expect(s.lines).toBe(6);
    const orders = await reasonsByRow(wh, 'orders');
    expect(orders[1]).toEqual(['amount: "abc" is not a number (use . for decimals, no currency signs or thousands separators)']);
    expect(orders[2]?.[0]).toMatch(/^ordered_at: "10\/07\/2025 09:50" is not an ISO 8601 timestamp/);
    expect(orders[6]?.[0]).toMatch(/more fields than the header/);
    const items = await reasonsByRow(wh, 'order_items');
    expect(items[3]).toEqual(['quantity: "-1" is negative']);
    expect(items[4]).toEqual(['unit_price: missing (required)']);
    expect(items[6]?.[0]).toMatch(/more fields than the header/);
    const customers = await reasonsByRow(wh, 'customers');
    expect(Object.keys(customers).map(Number)).toEqual([2, 6]);
  });
});

describe('stripe-subscriptions', () => {
  it('turns each subscription into a start with its MRR and an end once it ended', async () => {
    const { s, rows } = await run('stripe-subscriptions.csv');
    expect(s.preset).toBe('stripe-subscriptions');
    expect(tally(s)).toEqual({ customers: [3, 3, 0, 0], subscription_events: [6, 6, 0, 0] });
    // 29 a month; 2 × 300 a year = 50 a month; 3 × 10 a week = 30 × 52 / 12 = 130 a month; no quantity is one seat.
    expect(await rows(`SELECT event_id, customer_id, subscription_id, strftime(occurred_at, '%Y-%m-%dT%H:%M') AS at, CAST(mrr AS DOUBLE) AS mrr, currency, plan FROM subscription_events ORDER BY 1`)).toEqual([
      { event_id: 'sub_1QAbCdEfGh1:start', customer_id: 'cus_Ra1', subscription_id: 'sub_1QAbCdEfGh1', at: '2025-01-15T10:23', mrr: 29, currency: 'USD', plan: 'Pro Monthly' },
      { event_id: 'sub_1QAbCdEfGh2:end', customer_id: 'cus_Rb2', subscription_id: 'sub_1QAbCdEfGh2', at: '2025-06-10T12:00', mrr: 0, currency: 'USD', plan: 'Pro Yearly' },
      { event_id: 'sub_1QAbCdEfGh2:start', customer_id: 'cus_Rb2', subscription_id: 'sub_1QAbCdEfGh2', at: '2025-02-01T00:00', mrr: 50, currency: 'USD', plan: 'Pro Yearly' },
      { event_id: 'sub_1QAbCdEfGh3:end', customer_id: 'cus_Ra1', subscription_id: 'sub_1QAbCdEfGh3', at: '2025-03-20T09:00', mrr: 0, currency: 'USD', plan: 'Seats Weekly' },
      { event_id: 'sub_1QAbCdEfGh3:start', customer_id: 'cus_Ra1', subscription_id: 'sub_1QAbCdEfGh3', at: '2025-03-01T09:00', mrr: 130, currency: 'USD', plan: 'Seats Weekly' },
      { event_id: 'sub_1QAbCdEfGh4:start', customer_id: 'cus_Rc3', subscription_id: 'sub_1QAbCdEfGh4', at: '2025-04-02T08:00', mrr: 29, currency: 'USD', plan: 'Pro Monthly' },
    ]);
    expect(await rows(`SELECT customer_id, strftime(created_at, '%Y-%m-%dT%H:%M') AS at, email FROM customers ORDER BY 1`)).toEqual([
      { customer_id: 'cus_Ra1', at: '2025-01-15T10:23', email: 'ana@example.com' },
      { customer_id: 'cus_Rb2', at: '2025-02-01T00:00', email: 'ben@example.com' },
      { customer_id: 'cus_Rc3', at: '2025-04-02T08:00', email: 'cleo@example.com' },
    ]);
  });

  it('shows the rejects of a messy export with their reasons', async () => {
    const { s, wh } = await run('stripe-subscriptions-messy.csv');
    // Five starts and one end (sub_m5's) read; only sub_m5's start passes.
    expect(tally(s)).toEqual({ customers: [5, 5, 0, 0], subscription_events: [6, 1, 0, 5] });
    const reasons = Object.values(await reasonsByRow(wh, 'subscription_events')).flat();
    expect(reasons).toEqual(
      expect.arrayContaining([
        'mrr: "29,00" is not a number (use . for decimals, no currency signs or thousands separators)',
        'mrr: "quarter" is not a number (use . for decimals, no currency signs or thousands separators)',
        'occurred_at: missing (required)',
        expect.stringMatching(/^occurred_at: "2025-13-01 00:00" is not an ISO 8601 timestamp/),
        expect.stringMatching(/^currency: no FX rate for EUR on or before 2025-01-17/),
      ]),
    );
    expect(reasons).toHaveLength(5);
  });
});

describe('stripe-invoices', () => {
  it('imports owed invoices and skips drafts and void ones', async () => {
    const { s, rows } = await run('stripe-invoices.csv');
    expect(tally(s)).toEqual({ customers: [2, 2, 0, 0], invoices: [3, 3, 0, 0] });
    expect(skipped(s)).toEqual([['draft or void invoices (never owed)', 2, ['customers', 'invoices']]]);
    expect(await rows(`SELECT invoice_id, customer_id, strftime(issued_at, '%Y-%m-%dT%H:%M') AS issued, strftime(due_at, '%Y-%m-%d') AS due, CAST(amount AS DOUBLE) AS amount, strftime(paid_at, '%H:%M') AS paid, CAST(paid_amount AS DOUBLE) AS paid_amount FROM invoices ORDER BY 1`)).toEqual([
      { invoice_id: 'in_1QA001', customer_id: 'cus_Ra1', issued: '2025-01-15T10:23', due: null, amount: 29, paid: '10:25', paid_amount: 29 },
      { invoice_id: 'in_1QA002', customer_id: 'cus_Rb2', issued: '2025-02-01T00:00', due: '2025-03-03', amount: 600, paid: null, paid_amount: 0 },
      { invoice_id: 'in_1QA005', customer_id: 'cus_Ra1', issued: '2025-02-15T10:23', due: '2025-03-17', amount: 29, paid: null, paid_amount: 0 },
    ]);
    expect(await rows(`SELECT customer_id, name FROM customers ORDER BY 1`)).toEqual([
      { customer_id: 'cus_Ra1', name: 'Ana Lima' },
      { customer_id: 'cus_Rb2', name: 'Ott, Ben' },
    ]);
  });

  it('shows the rejects of a messy export with their reasons', async () => {
    const { s, wh } = await run('stripe-invoices-messy.csv');
    expect(tally(s)).toEqual({ customers: [4, 2, 0, 2], invoices: [4, 1, 0, 3] });
    const r = await reasonsByRow(wh, 'invoices');
    expect(r).toEqual({
      1: ['amount: "-5.00" is negative'],
      2: [expect.stringMatching(/^issued_at: "yesterday" is not an ISO 8601 timestamp/)],
      3: ['customer_id: missing (required)'],
    });
  });
});

describe('zendesk-tickets', () => {
  it('needs --timezone', async () => {
    await expect(run('zendesk-tickets.csv')).rejects.toThrow(/needs --timezone/);
    await expect(run('zendesk-tickets.csv', { timezone: 'Mars/Olympus' })).rejects.toThrow(/not a time zone/);
  });

  it('reads wall times in the account zone and Good/Bad ratings as CSAT answers', async () => {
    const { s, rows } = await run('zendesk-tickets.csv', { timezone: 'Europe/Berlin' });
    expect(tally(s)).toEqual({ tickets: [4, 4, 0, 0], survey_responses: [2, 2, 0, 0] });
    expect(skipped(s)).toEqual([['tickets without a Good or Bad rating (no CSAT answer)', 2, ['survey_responses']]]);
    // Berlin is UTC+1 in March, UTC+2 in July; the first reply is the opening plus its minutes.
    const f = (c: string) => `strftime(${c}, '%Y-%m-%dT%H:%M')`;
    expect(await rows(`SELECT ticket_id, customer_id, ${f('opened_at')} AS opened, ${f('first_response_at')} AS first, ${f('resolved_at')} AS resolved, contacts, channel FROM tickets ORDER BY 1`)).toEqual([
      { ticket_id: '1', customer_id: '501', opened: '2025-03-04T09:00', first: '2025-03-04T09:15', resolved: '2025-03-04T11:30', contacts: 2, channel: 'Email' },
      { ticket_id: '2', customer_id: '502', opened: '2025-07-01T06:00', first: '2025-07-01T08:00', resolved: '2025-07-02T07:00', contacts: 3, channel: 'Web form' },
      { ticket_id: '3', customer_id: '501', opened: '2025-07-03T12:00', first: null, resolved: null, contacts: 0, channel: 'Chat' },
      { ticket_id: '4', customer_id: '503', opened: '2025-07-04T07:00', first: '2025-07-04T07:05', resolved: '2025-07-04T08:00', contacts: 1, channel: 'Email' },
    ]);
    expect(await rows(`SELECT response_id, customer_id, survey, score, scale_max, ${f('responded_at')} AS at FROM survey_responses ORDER BY 1`)).toEqual([
      { response_id: '1:csat', customer_id: '501', survey: 'csat', score: 5, scale_max: 5, at: '2025-03-04T11:30' },
      { response_id: '2:csat', customer_id: '502', survey: 'csat', score: 1, scale_max: 5, at: '2025-07-02T07:00' },
    ]);
  });

  it('shows the rejects of a messy export with their reasons', async () => {
    const { s, wh } = await run('zendesk-tickets-messy.csv', { timezone: 'Europe/Berlin' });
    expect(tally(s)).toEqual({ tickets: [5, 1, 0, 4], survey_responses: [3, 1, 0, 2] });
    expect(skipped(s)).toEqual([['tickets without a Good or Bad rating (no CSAT answer)', 2, ['survey_responses']]]);
    const t = await reasonsByRow(wh, 'tickets');
    expect(t[1]?.[0]).toMatch(/^opened_at: "04.03.2025 10:00" is not an ISO 8601 timestamp/);
    expect(t[2]).toEqual(['contacts: "two" is not a whole number']);
    expect(t[3]?.[0]).toMatch(/^resolved_at: "soon" is not/);
    expect(t[4]).toEqual(['ticket_id: missing (required)']);
    const r = await reasonsByRow(wh, 'survey_responses');
    expect(r[3]?.[0]).toMatch(/^responded_at: "soon" is not/);
    expect(r[4]).toEqual(['response_id: missing (required)']);
  });
});

describe('mailchimp-activity', () => {
  it('imports sends, opens, clicks, bounces and unsubscribes with their times', async () => {
    const { s, rows } = await run('mailchimp-activity.csv');
    expect(tally(s)).toEqual({ email_events: [5, 5, 0, 0] });
    expect(await rows(`SELECT customer_id, campaign_id, type, strftime(occurred_at, '%Y-%m-%dT%H:%M:%S') AS ts FROM email_events ORDER BY ts`)).toEqual([
      { customer_id: 'ana@example.com', campaign_id: '8f3a2b1c0d', type: 'sent', ts: '2025-10-01T09:00:00' },
      { customer_id: 'ben@example.com', campaign_id: '8f3a2b1c0d', type: 'bounce', ts: '2025-10-01T09:00:03' },
      { customer_id: 'ana@example.com', campaign_id: '8f3a2b1c0d', type: 'open', ts: '2025-10-01T09:12:45' },
      { customer_id: 'ana@example.com', campaign_id: '8f3a2b1c0d', type: 'click', ts: '2025-10-01T09:13:02' },
      { customer_id: 'cleo@example.com', campaign_id: '8f3a2b1c0d', type: 'unsubscribe', ts: '2025-10-02T18:30:00' },
    ]);
  });

  it('shows the rejects of a messy export with their reasons', async () => {
    const { s, wh } = await run('mailchimp-activity-messy.csv');
    // The last line repeats the one before it: a duplicate.
    expect(tally(s)).toEqual({ email_events: [5, 1, 1, 3] });
    const r = await reasonsByRow(wh, 'email_events');
    expect(r[1]).toEqual(['type: "forward" is not one of sent, delivered, open, click, unsubscribe, bounce, conversion']);
    expect(r[2]?.[0]).toMatch(/^occurred_at: "4 Oct 2025" is not an ISO 8601 timestamp/);
    expect(r[3]).toEqual(['event_id: missing (required)', 'customer_id: missing (required)']);
  });
});

describe('klaviyo-events', () => {
  it('imports email metrics and skips the others', async () => {
    const { s, rows } = await run('klaviyo-events.csv');
    expect(tally(s)).toEqual({ email_events: [4, 4, 0, 0] });
    expect(skipped(s)).toEqual([['events that are not email deliveries or engagement (e.g. Placed Order)', 1, ['email_events']]]);
    expect(await rows(`SELECT event_id, campaign_id, customer_id, type, strftime(occurred_at, '%Y-%m-%dT%H:%M') AS at FROM email_events ORDER BY 1`)).toEqual([
      { event_id: '4Dd7Kq1aZ1', campaign_id: '01JCAMP0001', customer_id: 'ana@example.com', type: 'delivered', at: '2025-10-01T09:00' },
      { event_id: '4Dd7Kq1aZ2', campaign_id: '01JCAMP0001', customer_id: 'ana@example.com', type: 'open', at: '2025-10-01T09:12' },
      { event_id: '4Dd7Kq1aZ3', campaign_id: 'XyZ12', customer_id: 'ben@example.com', type: 'click', at: '2025-10-03T14:00' },
      { event_id: '4Dd7Kq1aZ5', campaign_id: '01JCAMP0001', customer_id: 'cleo@example.com', type: 'unsubscribe', at: '2025-10-04T18:30' },
    ]);
  });

  it('shows the rejects of a messy export with their reasons', async () => {
    const { s, wh } = await run('klaviyo-events-messy.csv');
    expect(tally(s)).toEqual({ email_events: [5, 1, 1, 3] });
    expect(skipped(s)).toEqual([['events that are not email deliveries or engagement (e.g. Placed Order)', 1, ['email_events']]]);
    const r = await reasonsByRow(wh, 'email_events');
    expect(r[1]).toEqual(['customer_id: missing (required)']);
    expect(r[2]).toEqual(['campaign_id: missing (required)']);
    expect(r[3]?.[0]).toMatch(/^occurred_at: "03\/10\/2025 10:11 AM" is not an ISO 8601 timestamp/);
  });
});

describe('invoice-lines', () => {
  it('groups sale lines into orders, credit lines into returns without an order, and skips lines without a customer', async () => {
    const { s, rows } = await run('invoice-lines.csv');
    expect(s.preset).toBe('invoice-lines');
    expect(tally(s)).toEqual({ customers: [3, 3, 0, 0], orders: [3, 3, 0, 0], order_items: [4, 4, 0, 0], returns: [2, 2, 0, 0] });
    expect(skipped(s)).toEqual([['lines without a customer', 2, ['customers', 'orders', 'order_items', 'returns']]]);
    // 8 lines = 4 sale lines + 2 credit lines + 2 skipped.
    expect(s.lines).toBe(8);
    // 17850.0 is customer 17850; 536365 = 6 × 2.55 + 6 × 3.39.
    expect(await rows(`SELECT order_id, customer_id, CAST(amount AS DOUBLE) AS amount, strftime(ordered_at, '%Y-%m-%dT%H:%M') AS at FROM orders ORDER BY 1`)).toEqual([
      { order_id: '536365', customer_id: '17850', amount: 35.64, at: '2010-12-01T08:26' },
      { order_id: '536366', customer_id: '17850', amount: 11.1, at: '2010-12-01T08:28' },
      { order_id: '536367', customer_id: '13047', amount: 54.08, at: '2010-12-01T08:34' },
    ]);
    expect(await rows(`SELECT return_id, order_id, customer_id, product_id, CAST(quantity AS DOUBLE) AS q, CAST(amount AS DOUBLE) AS amount, reason FROM returns ORDER BY 1`)).toEqual([
      { return_id: 'C536379-1', order_id: null, customer_id: '14527', product_id: 'D', q: 1, amount: 27.5, reason: 'credit note C536379' },
      { return_id: 'C536383-1', order_id: null, customer_id: '17850', product_id: '35004C', q: 1, amount: 4.65, reason: 'credit note C536383' },
    ]);
    expect(await rows(`SELECT customer_id, country, strftime(created_at, '%H:%M') AS at FROM customers ORDER BY 1`)).toEqual([
      { customer_id: '13047', country: 'United Kingdom', at: '08:34' },
      { customer_id: '14527', country: 'United Kingdom', at: '09:41' },
      { customer_id: '17850', country: 'United Kingdom', at: '08:26' },
    ]);
  });

  it('reads wall times in --timezone', async () => {
    const { rows } = await run('invoice-lines.csv', { timezone: 'America/New_York' });
    expect(await rows(`SELECT strftime(ordered_at, '%Y-%m-%dT%H:%M') AS at FROM orders WHERE order_id = '536365'`)).toEqual([{ at: '2010-12-01T13:26' }]);
  });

  it('shows the rejects of a messy file with their reasons', async () => {
    const { s, wh } = await run('invoice-lines-messy.csv');
    expect(tally(s)).toEqual({ customers: [3, 1, 0, 2], orders: [3, 0, 0, 3], order_items: [4, 1, 0, 3], returns: [1, 1, 0, 0] });
    expect(skipped(s)).toEqual([['lines without a customer', 1, ['customers', 'orders', 'order_items', 'returns']]]);
    const items = await reasonsByRow(wh, 'order_items');
    expect(items[1]).toEqual(['quantity: "six" is not a number (use . for decimals, no thousands separators)']);
    expect(items[2]).toEqual(['unit_price: "-1.85" is negative']);
    expect(items[4]?.[0]).toMatch(/more fields than the header/);
    const orders = await reasonsByRow(wh, 'orders');
    expect(orders[1]).toEqual(['amount: "-11.1000" is negative']);
    expect(orders[3]?.[0]).toMatch(/^ordered_at: "04\/01\/2011 10:05" is not an ISO 8601 timestamp/);
  });

  it('finds every row of a second import of the same file a duplicate', async () => {
    const { wh } = await run('invoice-lines.csv');
    const again = await importPreset(wh, { file: join(FIXTURES, 'invoice-lines.csv') });
    expect(tally(again)).toEqual({ customers: [3, 0, 3, 0], orders: [3, 0, 3, 0], order_items: [4, 0, 4, 0], returns: [2, 0, 2, 0] });
  });
});
