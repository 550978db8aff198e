/**
 * Calendar arithmetic on local dates (YYYY-MM-DD), done in UTC so no zone shifts the date: the
 * grain buckets of a period, the comparison periods and the default period.
 */
import type { Grain } from './scope.js';

const parse = (d: string) => new Date(`${d}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);

/** The first day of each grain bucket that meets [from, to), as the engine labels them. */
export function bucketStarts(from: string, to: string, grain: Grain): string[] {
  const end = parse(to).getTime();
  let t = floorTo(parse(from), grain);
  const out: string[] = [];
  while (t.getTime() < end) {
    out.push(fmt(t));
    t = stepBy(t, grain);
  }
  return out;
}

export function floorTo(d: Date, grain: Grain): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grain) {
    case 'day':
      return d;
    case 'week':
      return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000); // back to Monday
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

export function stepBy(d: Date, grain: Grain): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (grain === 'day') return new Date(d.getTime() + 86_400_000);
  if (grain === 'week') return new Date(d.getTime() + 7 * 86_400_000);
  return new Date(Date.UTC(y, m + (grain === 'month' ? 1 : grain === 'quarter' ? 3 : 12), 1));
}

export function shiftYears(d: string, years: number): string {
  const t = parse(d);
  return fmt(new Date(Date.UTC(t.getUTCFullYear() + years, t.getUTCMonth(), t.getUTCDate())));
}

export function previousPeriod(from: string, to: string): [string, string] {
  const len = parse(to).getTime() - parse(from).getTime();
  return [fmt(new Date(parse(from).getTime() - len)), from];
}

/** The default period: the last 12 full months before today in the time zone. */
export function lastFullMonths(months: number, timezone: string, now = new Date()): { from: string; to: string } {
  const local = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }).format(now); // YYYY-MM
  const [y, m] = local.split('-').map(Number) as [number, number];
  return { from: fmt(new Date(Date.UTC(y, m - 1 - months, 1))), to: fmt(new Date(Date.UTC(y, m - 1, 1))) };
}

/** Whether a local date starts a bucket of the grain (a period ending there ends a whole bucket). */
export function startsBucket(date: string, grain: Grain): boolean {
  return fmt(floorTo(parse(date), grain)) === date;
}
