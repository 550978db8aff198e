/**
 * One customer's whole history, written at once: draw the latent traits (profile.ts), then the
 * purchases, subscription, tickets, surveys, loyalty, web, email, events and product use that
 * follow from them, in an order where each part knows what it depends on.
 */
import { ACQUISITION_CHANNELS, COUNTRIES, FIRST_NAMES, INDUSTRIES, LAST_NAMES, SEGMENTS } from './catalog.js';
import { writeLoyalty } from './loyalty.js';
import { writeEmails, writeLiveEvents } from './marketing.js';
import { drawCustomer, type Ctx } from './profile.js';
import { writePurchases } from './purchases.js';
import { Random } from './random.js';
import type { Ids, Sink } from './sink.js';
import { writeSubscription } from './subscription.js';
import { draftTickets, writeTickets } from './support.js';
import { writeNpsAndCli } from './surveys.js';
import { DAY, iso } from './time.js';
import { writeActivity } from './usage.js';
import { writeWeb } from './web.js';
import type { World } from './world.js';

const slugs = (names: readonly string[]) => names.map((n) => n.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase());
const FIRST_SLUGS = slugs(FIRST_NAMES);
const LAST_SLUGS = slugs(LAST_NAMES);

/** Writes customer number `index` (0-based), acquired at `acquired`, with its own random stream. */
export function simulateCustomer(world: World, ids: Ids, sink: Sink, seed: number, index: number, acquired: number): void {
  const rnd = new Random(seed, index + 1);
  const ctx: Ctx = { world, rnd, ids, sink };
  const id = ids.next('c');
  const c = drawCustomer(rnd, id, acquired, rnd.weighted(COUNTRIES));
  const purchases = writePurchases(ctx, c);
  const tickets = draftTickets(ctx, c);
  const complaints = tickets.filter((t) => t.complaint).map((t) => t.at);
  const subscription = c.subscriber ? writeSubscription(ctx, c, complaints) : undefined;
  // Engaged until: the drop-out (plus a while browsing) for buyers, the last churn for subscribers.
  let engagedUntil = purchases.droppedOut ? Math.min(world.end, purchases.last + 45 * DAY) : world.end;
  if (subscription?.periods.length) engagedUntil = Math.max(engagedUntil, subscription.periods.at(-1)!.to);

  const first = rnd.int(0, FIRST_NAMES.length - 1);
  const last = rnd.int(0, LAST_NAMES.length - 1);
  sink.emit('customers', {
    customer_id: id,
    created_at: iso(acquired),
    email: `${FIRST_SLUGS[first]}.${LAST_SLUGS[last]}.${index + 1}@example.com`,
    name: `${FIRST_NAMES[first]} ${LAST_NAMES[last]}`,
    country: c.country,
    channel: rnd.weighted(ACQUISITION_CHANNELS),
    plan: subscription?.plan,
    attributes: `{"industry":"${rnd.pick(INDUSTRIES)}","segment":"${rnd.weighted(SEGMENTS)}"}`,
  });

  const kept = writeTickets(ctx, c, tickets, Math.min(world.end, engagedUntil + 30 * DAY));
  writeLoyalty(ctx, c, purchases.orders, kept.filter((t) => t.complaint).map((t) => t.at));
  writeNpsAndCli(ctx, c, engagedUntil);
  writeWeb(ctx, c, purchases.orders, engagedUntil);
  writeEmails(ctx, c, engagedUntil);
  writeLiveEvents(ctx, c, engagedUntil);

  // Product use: subscribers while subscribed, some buyers while they buy; it fades before they leave.
  if (subscription) {
    for (const p of subscription.periods) writeActivity(ctx, c, p.from, p.to, p.churned ? p.to : undefined, 0.6 + 3 * c.satisfaction);
  }
  if (!c.subscriber && rnd.chance(0.15)) {
    writeActivity(ctx, c, acquired, engagedUntil, purchases.droppedOut ? engagedUntil : undefined, 0.5 + 2 * c.satisfaction);
  }
}
