/**
 * The presets, one file each: declarative mappings of the exports people have onto the canonical
 * tables (see preset.ts for the vocabulary, compile.ts for the SQL, run.ts for the import).
 */
import { UsageError } from '../../errors.js';
import { invoiceLines } from './invoice-lines.js';
import { klaviyoEvents } from './klaviyo-events.js';
import { mailchimpActivity } from './mailchimp-activity.js';
import type { Preset } from './preset.js';
import { shopifyOrders } from './shopify-orders.js';
import { stripeInvoices } from './stripe-invoices.js';
import { stripeSubscriptions } from './stripe-subscriptions.js';
import { zendeskTickets } from './zendesk-tickets.js';

export const PRESETS: readonly Preset[] = [shopifyOrders, stripeSubscriptions, stripeInvoices, zendeskTickets, mailchimpActivity, klaviyoEvents, invoiceLines];

export const PRESET_NAMES: readonly string[] = PRESETS.map((p) => p.name);

export function presetByName(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new UsageError('unknown-preset', `Unknown preset ${name}.`, `Presets: ${PRESET_NAMES.join(', ')}.`);
  return p;
}

/**
 * The preset whose signature headers all appear in a file's header (exactly as the vendor writes
 * them); of several, the one naming the most. Null when none matches.
 */
export function detectPreset(columns: readonly string[]): Preset | null {
  const matching = PRESETS.filter((p) => p.signature.every((h) => columns.includes(h)));
  return matching.sort((a, b) => b.signature.length - a.signature.length)[0] ?? null;
}
