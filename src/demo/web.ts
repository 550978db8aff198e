/**
 * Web and app sessions, each with a session id and 1–8 events seconds to minutes apart: anonymous
 * visits before sign-up (same visitor id, no customer id), the sign-up session, a session before
 * each web or app order, browsing while the customer is engaged (often a single page view, a
 * bounce), and visitors who never sign up.
 */
import { BLOG, PAGES, PRODUCTS } from './catalog.js';
import type { Ctx, Customer } from './profile.js';
import { productCode, type Purchase } from './purchases.js';
import { DAY, HOUR, iso, MINUTE } from './time.js';

type Step = readonly [type: string, path: string];

export function writeWeb(ctx: Ctx, c: Customer, orders: readonly Purchase[], engagedUntil: number): void {
  const { rnd, world, ids } = ctx;
  const visitor = ids.next('v');
  // Anonymous visits in the month before signing up.
  for (let i = rnd.poisson(0.8); i > 0; i--) {
    const at = c.acquired - rnd.uniform(HOUR, 30 * DAY);
    if (at >= world.start) session(ctx, ids.next('ws'), visitor, undefined, at, browse(ctx, 0.65));
  }
  // The sign-up session: anonymous until the sign-up, known from then on, up to the first order.
  const signup = ids.next('ws');
  session(ctx, signup, visitor, undefined, c.acquired - 2 * MINUTE, [step('pageview', landing(ctx)), step('pageview', product(ctx))], c.acquired - 1000);
  session(ctx, signup, visitor, c.id, c.acquired, [step('signup', '/signup'), step('add_to_cart', product(ctx)), step('pageview', '/cart')], orders[0]?.at);
  // A session before most later web or app orders.
  for (let i = 1; i < orders.length; i++) {
    const o = orders[i]!;
    // Store orders have no session, and some visitors block tracking.
    if (o.channel === 'store' || rnd.chance(0.3)) continue;
    const steps: Step[] = rnd.chance(0.5) ? [step('pageview', landing(ctx))] : [];
    if (rnd.chance(0.15)) steps.push(step('search', '/search'));
    const item = product(ctx);
    steps.push(step('pageview', item), step('add_to_cart', item));
    session(ctx, ids.next('ws'), visitor, c.id, o.at - rnd.uniform(4, 12) * MINUTE, steps, o.at);
  }
  // Browsing while engaged: more for frequent buyers.
  const rate = (0.015 + 0.15 * c.lambda) / DAY;
  for (let t = c.acquired + rnd.exponential(rate); t < engagedUntil; t += rnd.exponential(rate)) {
    session(ctx, ids.next('ws'), visitor, c.id, t, browse(ctx, 0.65));
  }
  // Visitors who never sign up.
  for (let v = rnd.poisson(2.2); v > 0; v--) {
    const anonymous = ids.next('v');
    for (let s = 1 + rnd.poisson(0.3); s > 0; s--) session(ctx, ids.next('ws'), anonymous, undefined, rnd.uniform(world.start, world.end), browse(ctx, 0.7));
  }
}

/** Writes the steps from `at`, seconds to minutes apart, stopping before `until` (default: the end of the data). */
function session(ctx: Ctx, id: string, visitor: string, customer: string | undefined, at: number, steps: readonly Step[], until?: number): void {
  const { rnd, world, ids, sink } = ctx;
  const stop = Math.min(until ?? world.end, world.end);
  let t = Math.max(at, world.start);
  for (const [type, path] of steps) {
    if (t >= stop) return;
    sink.emit('web_events', { event_id: ids.next('w'), visitor_id: visitor, customer_id: customer, session_id: id, occurred_at: iso(t), type, path });
    t += rnd.uniform(8, 150) * 1000;
  }
}

/** A browsing visit: a bounce (one page view) with chance `bounce`, else 2–8 steps. */
function browse(ctx: Ctx, bounce: number): Step[] {
  const { rnd } = ctx;
  const steps: Step[] = [step('pageview', landing(ctx))];
  if (rnd.chance(bounce)) return steps;
  for (let n = rnd.int(1, 4) + (rnd.chance(0.25) ? rnd.int(1, 3) : 0); n > 0; n--) {
    const u = rnd.next();
    if (u < 0.12) steps.push(step('search', '/search'));
    else if (u < 0.22) steps.push(step('add_to_cart', product(ctx)));
    else steps.push(step('pageview', u < 0.7 ? product(ctx) : u < 0.85 ? `/blog/${rnd.pick(BLOG)}` : rnd.pick(PAGES)));
  }
  return steps;
}

const step = (type: string, path: string): Step => [type, path];

function landing(ctx: Ctx): string {
  const u = ctx.rnd.next();
  return u < 0.4 ? '/' : u < 0.7 ? product(ctx) : u < 0.9 ? `/blog/${ctx.rnd.pick(BLOG)}` : '/pricing';
}

const product = (ctx: Ctx): string => `/products/${productCode(1 + Math.floor(ctx.rnd.next() ** 2 * PRODUCTS))}`;
