/**
 * The demo data set: a seeded, internally consistent history written as one CSV file per
 * canonical table, customer by customer, in bounded memory. The files are then imported like
 * a user's own (see the `retain demo` command).
 */
import { join } from 'node:path';
import { TABLES } from '../warehouse/schema/tables.js';
import { CsvWriter } from './csv-writer.js';
import { Ids, simulateCustomer } from './customer.js';
import { Random } from './random.js';
import { DAY, makeWorld } from './world.js';

export interface DemoOptions {
  customers: number;
  months: number;
  seed: number;
  /** The history ends before this instant; default: today 00:00 UTC. */
  end?: Date;
}

/** The order files are imported in: what is referenced comes first. */
const IMPORT_ORDER = [
  'fx_rates',
  'customers',
  'orders',
  'order_items',
  'returns',
  'subscription_events',
  'invoices',
  'survey_responses',
  'loyalty_members',
  'loyalty_ledger',
  'tickets',
  'web_events',
  'email_events',
  'social_posts',
  'campaign_events',
  'activity_events',
];

export async function writeDemoFiles(
  dir: string,
  opts: DemoOptions,
  onProgress?: (customersDone: number, customersTotal: number) => void,
): Promise<{ table: string; file: string; rows: number }[]> {
  const now = new Date();
  const end = opts.end?.getTime() ?? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const start = Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth() - opts.months, new Date(end).getUTCDate());
  const rnd = new Random(opts.seed);
  const world = makeWorld(rnd, start, end - DAY);
  const writers = new Map(
    IMPORT_ORDER.map((name) => {
      const t = TABLES.find((x) => x.name === name)!;
      return [name, { writer: new CsvWriter(join(dir, `${name}.csv`), t.fields.map((f) => f.name)), fields: t.fields.map((f) => f.name) }];
    }),
  );
  const pending: Promise<void>[] = [];
  const emit = (table: string, row: Record<string, string | number | null>) => {
    const w = writers.get(table);
    if (!w) throw new Error(`demo: no table ${table}`);
    const flushed = w.writer.row(w.fields.map((f) => row[f]));
    if (flushed) pending.push(flushed);
  };
  for (const r of world.fx) emit('fx_rates', { currency: r.currency, date: r.date, rate: r.rate });
  for (const post of world.social) emit('social_posts', post);
  const ids = new Ids();
  for (let i = 0; i < opts.customers; i++) {
    simulateCustomer(i, world, rnd, ids, emit);
    // Wait for the disk whenever a file's buffer was handed over and the stream is full.
    if (pending.length) {
      await Promise.all(pending.splice(0));
    }
    if (onProgress && i % 1000 === 999) onProgress(i + 1, opts.customers);
  }
  onProgress?.(opts.customers, opts.customers);
  const out: { table: string; file: string; rows: number }[] = [];
  for (const [table, { writer }] of writers) {
    await writer.close();
    out.push({ table, file: writer.file, rows: writer.rows });
  }
  return out;
}
