/**
 * stripe-invoices: the Stripe dashboard's invoices export (Billing → Invoices → Export), amounts
 * in major units, times in UTC. Drafts and void invoices were never owed and are skipped
 * (counted). See docs/presets/stripe-invoices.md.
 */
import { col, earliest, first, isIn, not, time, upper, type Preset } from './preset.js';

const customer = col('Customer');
const utc = (name: string, optional = false) => time(col(name, { optional }), 'utc');
const owed = { keep: not(isIn(col('Status'), ['draft', 'void'])), reason: 'draft or void invoices (never owed)' };

export const stripeInvoices: Preset = {
  name: 'stripe-invoices',
  title: 'Stripe invoices export',
  signature: ['id', 'Customer', 'Amount Due', 'Amount Paid', 'Date (UTC)'],
  targets: [
    {
      table: 'customers',
      parts: [{ where: [owed], groupBy: customer, fields: { customer_id: first(customer), created_at: earliest(utc('Date (UTC)')), email: first(col('Customer Email', { optional: true })), name: first(col('Customer Name', { optional: true })) } }],
    },
    {
      table: 'invoices',
      parts: [
        {
          where: [owed],
          fields: {
            invoice_id: col('id'),
            customer_id: customer,
            issued_at: utc('Date (UTC)'),
            due_at: utc('Due Date (UTC)', true),
            amount: col('Amount Due'),
            currency: upper(col('Currency')),
            paid_at: utc('Paid At (UTC)', true),
            paid_amount: col('Amount Paid'),
          },
        },
      ],
    },
  ],
};
