/**
 * What the demo's customers share: the calendar, exchange rates, email campaigns, events and
 * social posts. Small lists, made up front.
 */
import type { Random } from './random.js';

export const DAY = 86_400_000;

const dayPrefix = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** ISO 8601 UTC, whole seconds. The date part is cached per day: this runs for every row. */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  const s = Math.floor((ms - day * DAY) / 1000);
  return `${prefix}${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}Z`;
}
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const money = (x: number): string => x.toFixed(2);

export const COUNTRIES = [
  ['US', 34],
  ['GB', 14],
  ['DE', 12],
  ['FR', 8],
  ['NL', 6],
  ['CA', 7],
  ['AU', 6],
  ['SE', 4],
  ['ES', 5],
  ['IT', 4],
] as const;
export const CHANNELS = [
  ['organic', 30],
  ['paid_search', 22],
  ['social', 16],
  ['referral', 12],
  ['email', 10],
  ['partner', 10],
] as const;
/** Orders from these countries are often in the local currency. */
export const LOCAL_CURRENCY: Readonly<Record<string, string>> = { DE: 'EUR', FR: 'EUR', NL: 'EUR', ES: 'EUR', IT: 'EUR', GB: 'GBP' };
export const CATEGORIES = ['apparel', 'shoes', 'accessories', 'home', 'beauty', 'electronics'] as const;
export const PLANS = [
  ['basic', 29],
  ['pro', 79],
  ['business', 199],
] as const;

export interface Campaign {
  readonly id: string;
  readonly at: number;
}

export interface World {
  readonly start: number;
  readonly end: number;
  /** USD per unit, one rate a month from before the first day. */
  readonly fx: readonly { currency: string; date: string; ms: number; rate: number }[];
  readonly emails: readonly Campaign[];
  readonly events: readonly Campaign[];
  readonly social: readonly Record<string, string | number>[];
}

export function makeWorld(rnd: Random, start: number, end: number): World {
  const fx: { currency: string; date: string; ms: number; rate: number }[] = [];
  const base: Record<string, number> = { EUR: 1.08, GBP: 1.27 };
  for (const currency of Object.keys(base)) {
    let rate = base[currency]!;
    // Monthly rates from a month before the start, so every order has a rate on or before it.
    for (let t = monthStart(start - 31 * DAY); t < end; t = nextMonth(t)) {
      rate *= 1 + rnd.normal(0, 0.012);
      fx.push({ currency, date: isoDate(t), ms: t, rate: Number(rate.toFixed(4)) });
    }
  }
  const emails: Campaign[] = [];
  const events: Campaign[] = [];
  let e = 0;
  let v = 0;
  for (let t = monthStart(start); t < end; t = nextMonth(t)) {
    for (let i = 0, n = rnd.int(1, 2); i < n; i++) {
      const at = t + rnd.int(1, 27) * DAY + rnd.int(8, 17) * 3_600_000;
      if (at < end - 10 * DAY && at > start) emails.push({ id: `em${String(++e).padStart(4, '0')}`, at });
    }
    if (rnd.chance(0.5)) {
      const at = t + rnd.int(5, 25) * DAY + 15 * 3_600_000;
      if (at < end - 2 * DAY && at > start) events.push({ id: `ev${String(++v).padStart(4, '0')}`, at });
    }
  }
  const social: Record<string, string | number>[] = [];
  let p = 0;
  for (let t = start; t < end - DAY; t += rnd.exponential(1 / (DAY * 2.5))) {
    const channel = rnd.pick(['instagram', 'facebook', 'linkedin', 'x', 'tiktok']);
    const impressions = Math.round(rnd.lognormal(8, 1));
    const likes = Math.round(impressions * rnd.beta(2, 60));
    social.push({
      post_id: `sp${String(++p).padStart(5, '0')}`,
      channel,
      posted_at: iso(t),
      impressions,
      likes,
      shares: Math.round(likes * rnd.beta(1, 8)),
      comments: Math.round(likes * rnd.beta(1, 10)),
      clicks: Math.round(impressions * rnd.beta(1, 80)),
    });
  }
  return { start, end, fx, emails, events, social };
}

/** The rate in force at `ms` (the latest on or before it). */
export function rateAt(world: World, currency: string, ms: number): number {
  let rate = 1;
  for (const r of world.fx) if (r.currency === currency && r.ms <= ms) rate = r.rate;
  return rate;
}

export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
}
