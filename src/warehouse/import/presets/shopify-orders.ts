/**
 * shopify-orders: Shopify's order export (Orders → Export → CSV), one line per line item with the
 * order's fields on its first line only, grouped by `Name` (#1001) into orders and order_items;
 * customers from `Email`; a refunded amount as a return. See docs/presets/shopify-orders.md.
 */
import { coalesce, col, concat, earliest, first, lit, lower, positive, present, sum, time, upper, when, type Filter, type Preset } from './preset.js';

const order = col('Name');
const email = lower(col('Email'));
const created = time(col('Created at'), 'offset');
const cancelled = time(col('Cancelled at'), 'offset');
const refunded = col('Refunded Amount');

/** Lines of orders with an email: the export repeats it on every line of an order. */
const withEmail: Filter = { keep: present(email), reason: 'lines without an email (the customer is unknown)' };

export const shopifyOrders: Preset = {
  name: 'shopify-orders',
  title: 'Shopify orders export',
  signature: ['Name', 'Email', 'Financial Status', 'Lineitem quantity', 'Lineitem name', 'Lineitem price'],
  targets: [
    {
      table: 'customers',
      parts: [{ where: [withEmail], groupBy: email, fields: { customer_id: first(email), created_at: earliest(created), email: first(email), name: first(col('Billing Name', { optional: true })) } }],
    },
    {
      table: 'orders',
      parts: [
        {
          where: [withEmail],
          groupBy: order,
          fields: {
            order_id: first(order),
            customer_id: first(email),
            ordered_at: first(created),
            amount: first(col('Total')),
            currency: first(upper(col('Currency'))),
            status: first(when(present(col('Cancelled at')), lit('cancelled'), lit('completed'))),
            channel: first(col('Source', { optional: true })),
          },
        },
      ],
    },
    {
      table: 'order_items',
      parts: [
        {
          where: [withEmail],
          lineNumber: { as: 'line_id', within: order },
          fields: {
            order_id: order,
            // A custom item has no SKU: its name identifies it.
            product_id: coalesce(col('Lineitem sku'), col('Lineitem name')),
            quantity: col('Lineitem quantity'),
            unit_price: col('Lineitem price'),
          },
        },
      ],
    },
    {
      table: 'returns',
      parts: [
        {
          // Orders with a refunded amount (on their first line).
          where: [withEmail],
          groupBy: order,
          anyLine: positive(refunded),
          fields: {
            return_id: first(concat(order, lit('-refund'))),
            order_id: first(order),
            customer_id: first(email),
            // Units are known only when the whole order was refunded; a partial refund is an amount.
            quantity: sum(col('Lineitem quantity'), { e: col('Financial Status'), values: ['refunded'] }),
            amount: first(refunded),
            // The export carries no refund date: the cancellation's, else the order's.
            returned_at: first(coalesce(cancelled, created)),
            reason: first(concat(lit('refund ('), lower(col('Financial Status')), lit(')'))),
          },
        },
      ],
    },
  ],
};
