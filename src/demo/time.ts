/** Time units and the formats the demo files use: ISO 8601 UTC timestamps with whole seconds, and dates. */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DDT` per day number, cached: `iso` runs for almost every row. Bounded by the days of the period. */
const dayPrefix = new Map<number, string>();

/** `2025-03-04T10:15:00Z`: ISO 8601 UTC, truncated to whole seconds. */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    if (dayPrefix.size > 20_000) dayPrefix.clear();
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  const s = Math.floor((ms - day * DAY) / 1000);
  return `${prefix}${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}Z`;
}

/** `2025-03-04`. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC on or after `ms`. */
export const ceilDay = (ms: number): number => Math.ceil(ms / DAY) * DAY;

/** The same day and time `n` calendar months later (or earlier), the day clamped to the month's length. */
export function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) + (ms - Date.UTC(y, d.getUTCMonth(), d.getUTCDate()));
}

/** The first of the month after `ms`, midnight UTC. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Money from whole cents: `1234` → `12.34`. Exact, unlike float arithmetic. */
export function cents(c: number): string {
  const r = c % 100;
  return `${(c - r) / 100}.${r < 10 ? `0${r}` : r}`;
}
