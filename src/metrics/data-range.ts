/**
 * The days the data covers: per table, the first and last local day of its rows (by the table's
 * time field), in one query. The report uses it to choose a period the data covers and to warn
 * where a value is right but misleading (a window or comparison reaching before the data began).
 */
import { TABLES, type TableName } from '../warehouse/schema/tables.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import { lastFullMonths } from './calendar.js';

/** First and last local day with data, YYYY-MM-DD (both inclusive). */
export interface DayRange {
  first: string;
  last: string;
}

export type DataRange = ReadonlyMap<TableName, DayRange>;

/** Tables of what customers did: not the customer list (sign-up dates reach far back) nor exchange rates. */
export const ACTIVITY = TABLES.filter((t) => t.timeField && t.name !== 'customers' && t.name !== 'fx_rates');

const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** The range, its query run once per cache (a report's query cache, by text). */
export async function dataRange(wh: Warehouse, timezone: string, cache?: Map<string, Promise<Row[]>>): Promise<DataRange> {
  const d = wh.dialect;
  // count(*) beside min and max: ClickHouse gives 0, not NULL, for the min of no rows.
  const union = ACTIVITY.map((t) => {
    const local = d.localDay(d.ident(t.timeField!), timezone);
    return `SELECT ${d.str(t.name)} AS t, count(*) AS n, min(${local}) AS first, max(${local}) AS last FROM ${d.table(t.name)} x WHERE ${d.ident(t.timeField!)} IS NOT NULL`;
  }).join(' UNION ALL ');
  let rows = cache?.get(union);
  if (!rows) {
    rows = wh.query(union);
    cache?.set(union, rows);
  }
  const out = new Map<TableName, DayRange>();
  for (const r of await rows) if (Number(r.n) > 0) out.set(String(r.t) as TableName, { first: day(Number(r.first)), last: day(Number(r.last)) });
  return out;
}

/** The days the given tables cover together (all activity tables when none are given); null without rows. */
export function rangeOf(range: DataRange, tables?: readonly TableName[]): DayRange | null {
  const spans = tables ? tables.flatMap((t) => range.get(t) ?? []) : [...range.values()];
  if (!spans.length) return null;
  return { first: spans.map((s) => s.first).sort()[0]!, last: spans.map((s) => s.last).sort().at(-1)! };
}

const nextDay = (d: string) => day(Date.parse(`${d}T00:00:00Z`) / 86_400_000 + 1);

/**
 * The default period: the last full months before today — or, when the data ends before them or
 * starts after them, the data's last full months, with
 * the reason in plain language.
 */
export function defaultPeriod(range: DayRange | null, timezone: string, months = 12, now = new Date()): { from: string; to: string; reason: string | null } {
  const today = lastFullMonths(months, timezone, now);
  // Data that overlaps the months at all keeps them: a quiet last month is news, not a gap.
  if (!range || (range.last >= today.from && range.first < today.to)) return { ...today, reason: null };
  // The data's last full month: the one ending on the day after its last day, else the one before
  // the month its last day is in; with less than a month of data, that month, though not full.
  const afterLast = nextDay(range.last);
  let to = afterLast === shiftMonths(afterLast, 0) ? afterLast : shiftMonths(range.last, 0);
  if (to <= range.first) to = shiftMonths(range.last, 1);
  const from = shiftMonths(to, -months);
  const where = range.last < today.from ? 'ends before' : 'starts after';
  return {
    from,
    to,
    reason: `The data runs from ${range.first} to ${range.last}, which ${where} the last ${months} full months (${today.from} to ${today.to}), so the report covers the data's last ${months} full months instead.`,
  };
}

/** The first day of the month `months` after the one d is in. */
function shiftMonths(d: string, months: number): string {
  const t = new Date(`${d}T00:00:00Z`);
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + months, 1)).toISOString().slice(0, 10);
}
