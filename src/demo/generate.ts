/**
 * The demo data set: a seeded, internally consistent history written as one CSV file per canonical
 * table. Shared things (exchange rates, campaigns, events, social posts) are made up front; then
 * customers are simulated one at a time, each with its whole history, and streamed out, so memory
 * stays bounded whatever the number of customers. The files are imported like a user's own (see
 * the `retain demo` command).
 */
import type { TableName } from '../warehouse/schema/tables.js';
import { simulateCustomer } from './customer.js';
import { Random } from './random.js';
import { Ids, Sink } from './sink.js';
import { addMonths, ceilDay, DAY, HOUR } from './time.js';
import { makeWorld, writeFxRates, writeSocialPosts } from './world.js';

export interface DemoOptions {
  customers: number;
  months: number;
  seed: number;
  /** The history ends before this instant (exclusive); default: today 00:00 UTC. */
  end?: Date;
}

/** The order the files are reported (and should be imported) in: what is referenced comes first. */
const IMPORT_ORDER: readonly TableName[] = [
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

/** Random streams for the shared lists, the social posts and the acquisition dates, apart from the customers' own (1, 2, …). */
const WORLD_STREAM = 0;
const SOCIAL_STREAM = 0xfffffff1;
const ACQUISITION_STREAM = 0xfffffff2;

/**
 * Writes `<dir>/<table>.csv` for every canonical table and returns the files in import order.
 * Everything lies in the `months` calendar months before `end`; nothing is dated at or after it.
 */
export async function writeDemoFiles(
  dir: string,
  opts: DemoOptions,
  onProgress?: (customersDone: number, customersTotal: number) => void,
): Promise<{ table: string; file: string; rows: number }[]> {
  const { customers, months, seed } = opts;
  if (!Number.isInteger(customers) || customers < 0) throw new RangeError(`demo: customers must be a whole number ≥ 0, not ${customers}`);
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`demo: months must be a whole number ≥ 1, not ${months}`);
  const today = new Date();
  const end = opts.end?.getTime() ?? Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  if (!Number.isFinite(end)) throw new RangeError('demo: end is not a valid date');
  // The first midnight in the period: the first exchange rate is dated then, before any order.
  const start = ceilDay(addMonths(end, -months));
  if (end - start < 2 * DAY) throw new RangeError('demo: the period is too short');

  const world = makeWorld(new Random(seed, WORLD_STREAM), start, end);
  const ids = new Ids();
  const sink = new Sink(dir, IMPORT_ORDER);
  try {
    writeFxRates(world, sink);
    writeSocialPosts(world, new Random(seed, SOCIAL_STREAM), ids, sink);
    const acquisitions = acquisitionTimes(new Random(seed, ACQUISITION_STREAM), customers, start, end - HOUR);
    const every = Math.max(1, Math.min(1000, Math.floor(customers / 100)));
    for (let i = 0; i < customers; i++) {
      simulateCustomer(world, ids, sink, seed, i, acquisitions.next().value as number);
      await sink.drain();
      if (onProgress && (i + 1) % every === 0) onProgress(i + 1, customers);
    }
    if (customers % every !== 0 || customers === 0) onProgress?.(customers, customers);
    return await sink.close();
  } catch (e) {
    sink.destroy();
    throw e;
  }
}

/**
 * `n` acquisition instants in [from, to), in increasing order, one at a time: the sorted uniforms
 * drawn sequentially (each the minimum of the ones left), mapped through a density that grows
 * linearly to three times its starting level, so acquisition speeds up over the period.
 */
function* acquisitionTimes(rnd: Random, n: number, from: number, to: number): Generator<number> {
  let u = 0;
  for (let left = n; left > 0; left--) {
    u = 1 - (1 - u) * Math.pow(1 - rnd.next(), 1 / left);
    // Inverse of F(x) = (x + x²) / 2, the CDF of the density (1 + 2x) / 2 on [0, 1].
    const x = (Math.sqrt(1 + 8 * u) - 1) / 2;
    yield Math.floor(from + x * (to - from));
  }
}
