/**
 * Everything a workspace knows about one customer: their row, a timeline of every row of theirs
 * in each table that names a customer (orders, subscriptions, answers, tickets, loyalty, email,
 * web, events, …) sorted by time, and their value and risk from the customer list's own
 * computation (customerList for this one customer: CLV, P(alive), risk and its inputs).
 */
import { storedColumns, TABLES, type TableDef } from '../warehouse/schema/tables.js';
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import { customerList, type CustomerList, type CustomerRow } from './customers.js';

/** At most this many of a table's latest rows (a customer's web events can run into thousands). */
export const TIMELINE_PER_TABLE = 500;

export interface TimelineEntry {
  table: string;
  /** ISO 8601 instant (UTC) of the row's time field. */
  at: string;
  /** The row's other fields, timestamps as ISO 8601. */
  fields: Record<string, unknown>;
}

export interface CustomerProfile {
  customer: Record<string, unknown> | null;
  asOf: string;
  model: CustomerList['model'];
  scores: CustomerRow | null;
  method: string;
  note?: string;
  timeline: TimelineEntry[];
  /** Tables whose rows were cut to their latest TIMELINE_PER_TABLE. */
  truncated: string[];
}

/** Tables with a customer_id and a time: the timeline's sources (customers itself is the profile). */
const SOURCES = TABLES.filter((t) => t.name !== 'customers' && t.timeField && t.fields.some((f) => f.name === 'customer_id'));

const iso = (v: unknown) => (v === null || v === undefined ? null : `${String(v).replace(' ', 'T')}Z`);

/** A table's rows of one customer, newest first, their timestamps as portable text. */
async function rowsOf(wh: Warehouse, t: TableDef, id: string, limit: number): Promise<Row[]> {
  const d = wh.dialect;
  const columns = storedColumns(t).filter((c) => c !== '_rate');
  const select = columns.map((c) => {
    const kind = t.fields.find((f) => f.name === c)!.kind;
    return kind === 'timestamp' ? `${d.portableText('timestamp', d.ident(c))} AS ${d.ident(c)}` : d.ident(c);
  });
  return wh.query(`SELECT ${select.join(', ')} FROM ${d.table(t.name)} x WHERE x.customer_id = $1 ORDER BY ${d.ident(t.timeField!)} DESC LIMIT ${limit}`, [id]);
}

export async function customerProfile(wh: Warehouse, id: string, o: { asOf?: string; horizonMonths?: number; penalizer?: number } = {}): Promise<CustomerProfile | null> {
  const customers = TABLES.find((t) => t.name === 'customers')!;
  const [person] = await rowsOf(wh, customers, id, 1);
  const timeline: TimelineEntry[] = [];
  const truncated: string[] = [];
  for (const t of SOURCES) {
    const rows = await rowsOf(wh, t, id, TIMELINE_PER_TABLE + 1);
    if (rows.length > TIMELINE_PER_TABLE) truncated.push(t.name);
    const times = new Set(t.fields.filter((f) => f.kind === 'timestamp').map((f) => f.name));
    for (const r of rows.slice(0, TIMELINE_PER_TABLE)) {
      const fields = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'customer_id' && k !== t.timeField).map(([k, v]) => [k, times.has(k) ? iso(v) : v]));
      timeline.push({ table: t.name, at: t.fields.find((f) => f.name === t.timeField)!.kind === 'timestamp' ? iso(r[t.timeField!])! : String(r[t.timeField!]), fields });
    }
  }
  if (!person && timeline.length === 0) return null;
  // Oldest first; rows of one instant in the tables' order (stable sort).
  timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  // One row: any sort the engine orders serves, and revenue needs no model.
  const list = await customerList(wh, { customerId: id, sort: 'revenue', limit: 1, asOf: o.asOf, horizonMonths: o.horizonMonths, penalizer: o.penalizer });
  const customer = person ? Object.fromEntries(Object.entries(person).map(([k, v]) => [k, k === 'created_at' ? iso(v) : v])) : null;
  return { customer, asOf: list.asOf, model: list.model, scores: list.customers[0] ?? null, method: list.method, ...(list.note ? { note: list.note } : {}), timeline, truncated };
}
