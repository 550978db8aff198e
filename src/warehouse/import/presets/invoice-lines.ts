/**
 * invoice-lines: a generic line-level sales file, one line per invoice line (the UCI Online
 * Retail layout: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
 * Country). Sale lines are grouped by invoice into orders and order_items; credit lines (a `C`
 * invoice prefix or a negative quantity) become returns without an order (credit notes rarely
 * name the sale); lines without a customer are skipped and counted. See docs/presets/invoice-lines.md.
 */
import { col, concat, earliest, first, lit, negative, not, or, present, startsWith, sum, time, times, unsigned, wholeId, type Cond, type Filter, type Preset } from './preset.js';

const invoice = col('InvoiceNo');
const customer = wholeId(col('CustomerID'));
const quantity = col('Quantity');
const price = col('UnitPrice');
const at = time(col('InvoiceDate'), 'local');

const credit: Cond = or(startsWith(invoice, 'C'), negative(quantity));
const withCustomer: Filter = { keep: present(customer), reason: 'lines without a customer' };
const sales: readonly Filter[] = [withCustomer, { keep: not(credit) }];
const credits: readonly Filter[] = [withCustomer, { keep: credit }];

export const invoiceLines: Preset = {
  name: 'invoice-lines',
  title: 'Invoice lines (a line-level sales file)',
  signature: ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID'],
  targets: [
    {
      table: 'customers',
      parts: [{ where: [withCustomer], groupBy: customer, fields: { customer_id: first(customer), created_at: earliest(at), country: first(col('Country', { optional: true })) } }],
    },
    {
      table: 'orders',
      parts: [
        {
          where: sales,
          groupBy: invoice,
          fields: { order_id: first(invoice), customer_id: first(customer), ordered_at: earliest(at), amount: sum(times(quantity, price)) },
        },
      ],
    },
    {
      table: 'order_items',
      parts: [{ where: sales, lineNumber: { as: 'line_id', within: invoice }, fields: { order_id: invoice, product_id: col('StockCode'), quantity, unit_price: price } }],
    },
    {
      table: 'returns',
      parts: [
        {
          where: credits,
          // A credit line's id: its credit note and its line there (C536379-1).
          lineNumber: { as: 'return_id', within: invoice, prefixed: true },
          fields: {
            customer_id: customer,
            product_id: col('StockCode'),
            quantity: unsigned(quantity),
            amount: times(unsigned(quantity), price),
            returned_at: at,
            reason: concat(lit('credit note '), invoice),
          },
        },
      ],
    },
  ],
};
