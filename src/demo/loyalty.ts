/**
 * The loyalty programme: about 40 % of customers join (some at sign-up, most within weeks), a few
 * leave. Members earn about a point per USD on their completed orders, redeem in 500-point steps
 * now and then, get goodwill points after a complaint, and lose points after a year without
 * activity or when they leave. Entries of a member are strictly increasing in time and the
 * balance never goes below zero.
 */
import type { Row } from '../warehouse/schema/types.js';
import { REWARDS, TIERS } from './catalog.js';
import type { Ctx, Customer } from './profile.js';
import type { Purchase } from './purchases.js';
import { DAY, iso, MINUTE } from './time.js';

const YEAR = 365 * DAY;

export function writeLoyalty(ctx: Ctx, c: Customer, orders: readonly Purchase[], complaints: readonly number[]): void {
  const { rnd, world, ids, sink } = ctx;
  if (!rnd.chance(0.42)) return;
  const joined = c.acquired + (rnd.chance(0.35) ? rnd.int(1, 10) * MINUTE : rnd.exponential(1 / (30 * DAY)));
  if (joined >= world.end) return;
  const leftAt = rnd.chance(0.06) ? joined + rnd.uniform(30, 400) * DAY : Infinity;
  const left = leftAt < world.end ? leftAt : Infinity;
  sink.emit('loyalty_members', {
    customer_id: c.id,
    joined_at: iso(joined),
    tier: rnd.weighted(TIERS),
    left_at: left < Infinity ? iso(left) : undefined,
  });

  const until = Math.min(world.end, left);
  let balance = 0;
  let lastActivity = joined;
  let cursor = joined;
  /** Books an entry at `at` or a second after the previous one; false when that is past the member's time. */
  const book = (at: number, kind: Row<'loyalty_ledger'>['kind'], points: number, reward?: string): boolean => {
    const t = Math.max(at, cursor + 1000);
    if (t >= until) return false;
    cursor = t;
    sink.emit('loyalty_ledger', { entry_id: ids.next('le'), customer_id: c.id, occurred_at: iso(t), kind, points, reward });
    return true;
  };
  const expireIfIdle = (now: number) => {
    if (balance > 0 && now - lastActivity > YEAR && book(lastActivity + YEAR, 'expire', balance)) balance = 0;
  };

  let i = 0;
  let j = 0;
  for (;;) {
    const order = orders[i];
    const complaint = complaints[j];
    if (order === undefined && complaint === undefined) break;
    if (order !== undefined && (complaint === undefined || order.at <= complaint)) {
      i++;
      if (order.at <= joined || order.at >= until) continue;
      expireIfIdle(order.at);
      const points = Math.max(1, Math.round(order.usd));
      if (!book(order.at + MINUTE, 'earn', points)) continue;
      balance += points;
      lastActivity = cursor;
      if (balance >= 500 && rnd.chance(0.35)) {
        const redeem = balance >= 1000 && rnd.chance(0.3) ? 1000 : 500;
        if (book(order.at + rnd.uniform(2, 30) * MINUTE, 'redeem', redeem, rnd.pick(REWARDS))) {
          balance -= redeem;
          lastActivity = cursor;
        }
      }
    } else if (complaint !== undefined) {
      j++;
      if (complaint <= joined || complaint >= until || !rnd.chance(0.5)) continue;
      expireIfIdle(complaint);
      if (book(complaint + rnd.uniform(1, 48) * 3_600_000, 'adjust', 200)) balance += 200;
    }
  }
  // What is left expires a year after the last activity, or when the member leaves.
  if (balance > 0) book(Math.min(lastActivity + YEAR, left - MINUTE), 'expire', balance);
}
