/**
 * What all customers share, made up front as small lists: the period, exchange rates, email
 * campaigns and live events. Social posts belong to no customer and are written straight out.
 */
import { FX_BASE, SOCIAL_CHANNELS } from './catalog.js';
import type { Random } from './random.js';
import type { Ids, Sink } from './sink.js';
import { DAY, HOUR, iso, isoDate, nextMonthStart } from './time.js';

export interface Campaign {
  readonly id: string;
  readonly at: number;
}

export interface LiveEvent extends Campaign {
  /** Share of registrants who attend. */
  readonly attendance: number;
}

export interface World {
  /** Midnight UTC; nothing happens before it. */
  readonly start: number;
  /** Exclusive: nothing happens at or after it. */
  readonly end: number;
  /** Rates in force from each date on, per currency, oldest first; the first is dated `start`. */
  readonly fx: ReadonlyMap<string, readonly { ms: number; rate: number }[]>;
  readonly emails: readonly Campaign[];
  readonly events: readonly LiveEvent[];
}

export function makeWorld(rnd: Random, start: number, end: number): World {
  const fx = new Map<string, { ms: number; rate: number }[]>();
  for (const [currency, base] of FX_BASE) {
    const rates: { ms: number; rate: number }[] = [];
    let rate: number = base;
    // One rate a month; the first on the first day, so every order has a rate on or before it.
    for (let t = start; t < end; t = nextMonthStart(t)) {
      rates.push({ ms: t, rate: Number(rate.toFixed(4)) });
      rate *= 1 + rnd.normal(0, 0.01);
    }
    fx.set(currency, rates);
  }
  const emails: Campaign[] = [];
  const events: LiveEvent[] = [];
  for (let month = start; month < end; month = nextMonthStart(month)) {
    const days = (nextMonthStart(month) - month) / DAY;
    for (let i = rnd.chance(0.5) ? 2 : 1; i > 0; i--) {
      const at = month + rnd.int(0, days - 1) * DAY + rnd.int(8, 17) * HOUR;
      if (at < end - HOUR) emails.push({ id: '', at });
    }
    if (rnd.chance(0.6)) {
      const at = month + rnd.int(0, days - 1) * DAY + rnd.pick([10, 15, 17]) * HOUR;
      if (at < end - 2 * HOUR) events.push({ id: '', at, attendance: rnd.uniform(0.4, 0.6) });
    }
  }
  emails.sort((a, b) => a.at - b.at);
  return {
    start,
    end,
    fx,
    emails: emails.map((c, i) => ({ ...c, id: `em${String(i + 1).padStart(4, '0')}` })),
    events: events.map((c, i) => ({ ...c, id: `ev${String(i + 1).padStart(4, '0')}` })),
  };
}

/** USD per unit of `currency` in force at `ms` (the latest rate on or before it). */
export function rateAt(world: World, currency: string, ms: number): number {
  const rates = world.fx.get(currency);
  if (!rates) return 1;
  let rate = rates[0]!.rate;
  for (const r of rates) {
    if (r.ms > ms) break;
    rate = r.rate;
  }
  return rate;
}

export function writeFxRates(world: World, sink: Sink): void {
  for (const [currency, rates] of world.fx) {
    for (const r of rates) sink.emit('fx_rates', { currency, date: isoDate(r.ms), rate: r.rate.toFixed(4) });
  }
}

/** A few posts a week across the networks, with their latest engagement. */
export function writeSocialPosts(world: World, rnd: Random, ids: Ids, sink: Sink): void {
  const reach: Record<string, number> = { instagram: 8.3, facebook: 7.9, linkedin: 7.4, x: 7.6, tiktok: 8.8 };
  for (let t = world.start + rnd.exponential(1 / (2.3 * DAY)); t < world.end; t += rnd.exponential(1 / (2.3 * DAY))) {
    const channel = rnd.weighted(SOCIAL_CHANNELS);
    const impressions = Math.round(rnd.lognormal(reach[channel] ?? 8, 0.9));
    const likes = Math.round(impressions * rnd.beta(2, 55));
    sink.emit('social_posts', {
      post_id: ids.next('sp'),
      channel,
      posted_at: iso(t),
      impressions,
      likes,
      shares: Math.round(likes * rnd.beta(1, 8)),
      comments: Math.round(likes * rnd.beta(1, 10)),
      clicks: Math.round(impressions * rnd.beta(1, 70)),
    });
  }
}
