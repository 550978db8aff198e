/**
 * The customer lists to act on: every customer with their value (CLV), probability of being alive,
 * churn risk, RFM segment, latest NPS and engagement score — filtered to a list (at-risk,
 * champions, promoters, detractors, …), sorted and cut.
 *
 * Risk: in a transactional workspace 1 − P(alive) of the BG/NBD fit, among customers who bought
 * again at least once (a one-time buyer's P(alive) is 1 by the model's assumptions; their risk is
 * not known); in a subscription workspace the transparent score of customer-facts.ts, among
 * subscribers paying now. CLV over the horizon: BG/NBD × Gamma-Gamma in a transactional workspace;
 * in a subscription workspace MRR × margin over the months the workspace's monthly retention
 * leaves, discounted.
 *
 * The model is needed only for what it predicts: where BG/NBD cannot be fitted (a workspace of a
 * few customers), the lists of RFM segments and NPS classes still work, with CLV, P(alive) and risk
 * null and a note saying why; the at-risk list and the model's sort keys stop with a usage error.
 */
import { ModelError } from '../models/errors.js';
import { UsageError } from '../warehouse/errors.js';
import { getSettings } from '../warehouse/schema/settings.js';
import { TABLE_NAMES } from '../warehouse/schema/tables.js';
import type { Dialect } from '../warehouse/dialect.js';
import type { Param, Row, Warehouse } from '../warehouse/warehouse.js';
import { fitTransactional, type TransactionalFit } from '../models/fit-workspace.js';
import { goneLogOddsSql, lastOrderDate, type QueryBuilder } from '../models/queries.js';
import { RFM_SEGMENTS } from '../models/rfm.js';
import { emptyTables, workspaceModel } from './compute.js';
import { customerFactsSql, RISK_INPUTS } from './customer-facts.js';
import { measureWhatIfInputs } from './whatif.js';
import { makeScope } from './scope.js';
import { checkSlice, parseWhere } from './slice.js';

export const LISTS = ['all', 'at-risk', 'promoters', 'passives', 'detractors', ...RFM_SEGMENTS.map((s) => s.id).filter((id) => id !== 'at-risk')] as const;
export const SORTS = ['clv', 'risk', 'p_alive', 'revenue', 'recency', 'nps', 'engagement'] as const;
export type SortKey = (typeof SORTS)[number];

/** A customer counts as at risk from this risk on. */
export const AT_RISK = 50;

export interface CustomerListOptions {
  segment?: string;
  /** An RFM segment id (also the way to RFM's own at-risk). */
  rfm?: string;
  where?: readonly string[];
  sort?: SortKey;
  limit?: number;
  asOf?: string;
  horizonMonths?: number;
  discount?: number;
  /** L2 penalty of the BG/NBD and Gamma-Gamma fits (default 0). */
  penalizer?: number;
  /** The next_cursor of the page before: the page after it. */
  cursor?: string;
  /** Only this customer, with the purchase summary its predictions read (a customer's profile). */
  customerId?: string;
}

export interface CustomerRow {
  customer_id: string;
  name: string | null;
  email: string | null;
  country: string | null;
  clv: number | null;
  p_alive: number | null;
  risk: number | null;
  rfm: string | null;
  nps: number | null;
  nps_class: string | null;
  engagement: number | null;
  revenue: number;
  recency_days: number | null;
  mrr: number | null;
  /** The risk inputs (0–1) of a subscription workspace. */
  risk_inputs?: Record<string, number>;
  /** With customerId: the purchase summary as of the day (repeat purchase days, recency and T in days, mean repeat spend). */
  model_inputs?: { frequency: number | null; recency: number | null; T: number | null; monetary: number | null };
}

export interface CustomerList {
  asOf: string;
  model: 'subscription' | 'transactional';
  list: string;
  /** Customers on the list before the limit. */
  total: number;
  customers: CustomerRow[];
  /** Pass it as the cursor for the page after this one; null on the last page. */
  next_cursor: string | null;
  /** How risk and CLV were obtained. */
  method: string;
  /** Why CLV, P(alive) and risk are null, when the model could not be fitted. */
  note?: string;
}

/** The columns of a list as a table or CSV (JSON has every field). */
export const CUSTOMER_COLUMNS = ['customer_id', 'name', 'email', 'country', 'clv', 'p_alive', 'risk', 'rfm', 'nps', 'engagement', 'revenue', 'recency_days', 'mrr'] as const;

/** A customer as a table or CSV row shows them: money to cents, P(alive) to 3 places, risk to 1. */
export function customerCells(c: CustomerRow): Record<string, unknown> {
  const fixed = (v: number | null, k: number) => (v === null ? null : Number(v.toFixed(k)));
  return { ...c, clv: fixed(c.clv, 2), p_alive: fixed(c.p_alive, 3), risk: fixed(c.risk, 1), revenue: fixed(c.revenue, 2), risk_inputs: undefined };
}

/** A list opened: everything but its customers, and a reader of one page of them. */
export interface OpenList {
  readonly head: Omit<CustomerList, 'customers' | 'next_cursor'>;
  page(cursor: string | undefined, limit: number): Promise<Pick<CustomerList, 'customers' | 'next_cursor'>>;
}

/** The sort keys only the purchase model gives. */
const MODEL_SORTS: readonly SortKey[] = ['clv', 'risk', 'p_alive'];

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * The list's figures and a reader of its pages: the model is fitted and the total counted once,
 * then each page asks the engine for its rows after the cursor (the CSV reads every page so).
 */
export async function openCustomerList(wh: Warehouse, o: CustomerListOptions): Promise<OpenList> {
  const list = o.segment ?? 'all';
  if (!(LISTS as readonly string[]).includes(list)) throw new UsageError('unknown-segment', `Unknown list ${list}.`, `Lists: ${LISTS.join(', ')}.`);
  if (o.sort !== undefined && !(SORTS as readonly string[]).includes(o.sort)) throw new UsageError('unknown-sort', `Unknown sort key ${String(o.sort)}.`, `Sort keys: ${SORTS.join(', ')}.`);
  if (o.rfm && !RFM_SEGMENTS.some((s) => s.id === o.rfm)) throw new UsageError('unknown-segment', `Unknown RFM segment ${o.rfm}.`, `RFM segments: ${RFM_SEGMENTS.map((s) => s.id).join(', ')}.`);
  const settings = await getSettings(wh);
  const tz = settings.timezone;
  const model = workspaceModel(settings.model, await emptyTables(wh, TABLE_NAMES));
  const asOf = o.asOf ?? (await lastOrderDate(wh, tz)) ?? new Date().toISOString().slice(0, 10);
  const where = (o.where ?? []).map(parseWhere);
  await checkSlice(wh, { where });
  const next = new Date(Date.parse(`${asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const s = makeScope(wh.dialect, {
    from: asOf,
    to: next,
    timezone: tz,
    grain: null,
    slice: { where },
    settings: { activityWindowDays: 365, grossMargin: Number(settings.gross_margin), engagementWeights: JSON.parse(settings.engagement_weights) as Record<string, number> },
    bucketStarts: [],
    model,
  });
  const horizon = o.horizonMonths ?? 12;
  const discount = o.discount ?? 0.01;
  const margin = Number(settings.gross_margin);
  let score: (r: Row) => { clv: number | null; p_alive: number | null; risk: number | null };
  let method: string;
  let note: string | undefined;
  const penalizer = o.penalizer ?? 0;
  let subscriptionMonths: number | null = null;
  const fitted = model === 'transactional' ? await fitTransactional(wh, { calibrationEnd: asOf, timeUnit: 'day', pareto: false, penalizer }).catch(modelErrorOnly) : null;
  const fit: TransactionalFit | null = fitted instanceof ModelError ? null : fitted;
  const unfitted = fitted instanceof ModelError ? fitted : null;
  if (unfitted) {
    const needs = list === 'at-risk' ? '--segment at-risk' : o.sort && MODEL_SORTS.includes(o.sort) ? `--sort ${o.sort}` : null;
    if (needs) {
      throw new UsageError(
        'no-model',
        `${needs} needs the BG/NBD model's predictions, and the model cannot be fitted on this workspace: ${unfitted.message}`,
        `${penalizer > 0 ? 'Try a larger --penalizer' : 'Add --penalizer 0.001'} or import more orders; the RFM and NPS lists (champions, promoters, detractors, …) and --sort revenue, recency, nps or engagement work without the model.`,
      );
    }
    note = `No CLV, P(alive) or risk: the BG/NBD model cannot be fitted on this workspace (${unfitted.message})`;
    method = `RFM segments and NPS from the orders and answers as of ${asOf}; no purchase model.`;
    score = () => ({ clv: null, p_alive: null, risk: null });
  } else if (fit) {
    const f = fit;
    method = `BG/NBD (r ${f.bgnbd.r.toPrecision(3)}, α ${f.bgnbd.alpha.toPrecision(3)}, a ${f.bgnbd.a.toPrecision(3)}, b ${f.bgnbd.b.toPrecision(3)}) and Gamma-Gamma fitted on ${f.customers} customers as of ${asOf}${penalizer > 0 ? ` with penalizer ${penalizer}` : ''}; risk = 1 − P(alive) for repeat customers; CLV over ${horizon} months at ${discount} a month, margin ${margin}.`;
    score = (r) => {
      if (r.repeat_days === null || r.repeat_days === undefined) return { clv: null, p_alive: null, risk: null };
      const x = Number(r.repeat_days);
      const tx = Number(r.recency);
      const T = Number(r.age);
      const pAlive = f.pAlive(x, tx, T);
      return { clv: margin * f.clv(x, tx, T, num(r.monetary), horizon, discount), p_alive: pAlive, risk: x >= 1 ? 100 * (1 - pAlive) : null };
    };
  } else {
    // Retention over the 12 full months before the as-of day; without that history, no CLV.
    const inputs = await measureWhatIfInputs(wh, { discount, margin, now: new Date(`${next}T00:00:00Z`) }).catch((e: unknown) => {
      if (e instanceof UsageError) return null;
      throw e;
    });
    let months: number | null = null;
    if (inputs) {
      const sm = (inputs.annualRetention / 100) ** (1 / 12);
      months = 0;
      for (let t = 0; t < horizon; t++) months += sm ** t * (1 + discount) ** -t;
    }
    subscriptionMonths = months;
    const risk = `Risk: weighted inputs (${RISK_INPUTS.map((i) => `${i.id} ${i.weight}`).join(', ')}) for paying subscribers`;
    method =
      inputs && months !== null
        ? `${risk}; CLV = MRR × margin ${margin} × ${months.toFixed(2)} discounted months (annual retention ${inputs.annualRetention.toFixed(1)} %, ${horizon} months, ${discount} a month).`
        : `${risk}; no CLV: retention over the 12 months before ${asOf} cannot be measured.`;
    score = (r) => {
      const mrr = Number(r.mrr ?? 0);
      if (mrr <= 0) return { clv: months === null ? null : 0, p_alive: null, risk: null };
      return { clv: months === null ? null : mrr * margin * months, p_alive: null, risk: RISK_INPUTS.reduce((a, i) => a + i.weight * Number(r[i.id] ?? 0), 0) };
    };
  }

  // The engine keeps only the list's customers (a superset at the at-risk boundary, by rounding);
  // the exact test runs below on what it hands over.
  const listSql = (() => {
    const conditions: string[] = [];
    if (o.customerId !== undefined) conditions.push(`customer_id = ${s.param(o.customerId)}`);
    if (o.rfm) conditions.push(`rfm = ${s.param(o.rfm)}`);
    if (list === 'promoters' || list === 'passives' || list === 'detractors') conditions.push(`nps_class = ${s.param(list.slice(0, -1))}`);
    else if (list === 'at-risk' && fit) conditions.push(`repeat_days >= 1 AND ${goneLogOddsSql(wh.dialect, s, fit.bgnbd, 'repeat_days', 'recency', 'age')} >= -1e-9`);
    else if (list === 'at-risk') conditions.push(`${RISK_INPUTS.map((i) => `${i.weight} * ${i.id}`).join(' + ')} >= ${AT_RISK} - 1e-9`);
    else if (list !== 'all') conditions.push(`rfm = ${s.param(list)}`);
    return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  })();
  const facts = customerFactsSql(wh.dialect, s, { asOf, end: s.to, timezone: tz, model, engagementWeights: s.settings.engagementWeights });
  const toRow = (r: Row): CustomerRow => ({
    customer_id: String(r.customer_id),
    name: r.name === null ? null : String(r.name),
    email: r.email === null ? null : String(r.email),
    country: r.country === null ? null : String(r.country),
    ...score(r),
    rfm: r.rfm === null ? null : String(r.rfm),
    nps: num(r.nps),
    nps_class: r.nps_class === null ? null : String(r.nps_class),
    engagement: num(r.engagement),
    revenue: Number(r.revenue ?? 0),
    recency_days: num(r.recency_days),
    mrr: model === 'subscription' ? Number(r.mrr ?? 0) : null,
    ...(model === 'subscription' ? { risk_inputs: Object.fromEntries(RISK_INPUTS.map((i) => [i.id, Number(r[i.id] ?? 0)])) } : {}),
    ...(o.customerId !== undefined ? { model_inputs: { frequency: num(r.repeat_days), recency: num(r.recency), T: num(r.age), monetary: num(r.monetary) } } : {}),
  });
  const pass = (c: CustomerRow) =>
    (!o.rfm || c.rfm === o.rfm) &&
    (list === 'all'
      ? true
      : list === 'at-risk'
        ? c.risk !== null && c.risk >= AT_RISK
        : list === 'promoters' || list === 'passives' || list === 'detractors'
          ? c.nps_class === list.slice(0, -1)
          : c.rfm === list);
  const sort = o.sort ?? (list === 'detractors' ? 'nps' : unfitted ? 'revenue' : 'clv');
  const head = { asOf, model, list, method, ...(note ? { note } : {}) };
  // The list's own parameters; the sort key may bind more, which only the page query has.
  const listParams = s.params.slice();
  const order = sqlOrder(sort, { d: wh.dialect, q: s, fit, subscriptionClv: model === 'subscription' ? { margin, months: subscriptionMonths } : null });
  if (order) {
    // The engine orders and cuts: a page reads only its own customers' rows.
    const total = Number((await wh.query(`SELECT count(*) AS n FROM (${facts}) f${listSql}`, listParams))[0]!.n);
    const sorted = `SELECT * FROM (SELECT f.*, ${order.key} AS _sort FROM (${facts}) f${listSql}) x`;
    return {
      head: { ...head, total },
      page: async (cursor, limit) => {
        const q = { params: [...s.params], param: (v: Param) => (q.params.push(v), `$${q.params.length}`) };
        const after = cursor === undefined ? '' : ` WHERE ${afterSql(q, order.ascending, readCursor(cursor, sort))}`;
        const rows = await wh.query(
          `${sorted}${after} ORDER BY CASE WHEN _sort IS NULL THEN 1 ELSE 0 END, _sort ${order.ascending ? 'ASC' : 'DESC'}, customer_id LIMIT ${limit + 1}`,
          q.params,
        );
        const more = rows.length > limit;
        const kept = rows.slice(0, limit);
        const last = kept[kept.length - 1];
        return { customers: kept.map(toRow).filter(pass), next_cursor: more && last ? writeCursor(sort, num(last._sort), String(last.customer_id)) : null };
      },
    };
  }
  // CLV of the purchase model: its spend and discounted purchases are TypeScript, so the list is
  // scored, sorted and cut here (once per request: the CSV's pages share it).
  const rows = await wh.query(`SELECT * FROM (${facts}) f${listSql}`, listParams);
  const chosen = rows.map(toRow).filter(pass);
  const ascending = sort === 'nps' || sort === 'p_alive' || sort === 'recency';
  const key = (c: CustomerRow): number | null => (sort === 'recency' ? c.recency_days : sort === 'p_alive' ? c.p_alive : c[sort]);
  const before = (a: { key: number | null; id: string }, b: { key: number | null; id: string }) => compareKeys(a, b, ascending);
  chosen.sort((a, b) => before({ key: key(a), id: a.customer_id }, { key: key(b), id: b.customer_id }));
  return {
    head: { ...head, total: chosen.length },
    page: async (cursor, limit) => {
      const c = cursor === undefined ? null : readCursor(cursor, sort);
      // After the cursor's customer where the list still has them: a refit may move their CLV in
      // the last digit, so the key alone could bring them back; else after their key.
      const at = c ? chosen.findIndex((x) => x.customer_id === c.id) : -1;
      const from = !c ? 0 : at >= 0 ? at + 1 : chosen.findIndex((x) => before(c, { key: key(x), id: x.customer_id }) < 0);
      const start = from < 0 ? chosen.length : from;
      const kept = chosen.slice(start, start + limit);
      const last = kept[kept.length - 1];
      return { customers: kept, next_cursor: start + limit < chosen.length && last ? writeCursor(sort, key(last), last.customer_id) : null };
    },
  };
}

/** The list: its first page (the CLI's), or the page after a cursor (the API's). */
export async function customerList(wh: Warehouse, o: CustomerListOptions): Promise<CustomerList> {
  const { head, page } = await openCustomerList(wh, o);
  const { customers, next_cursor } = await page(o.cursor, o.limit ?? 50);
  const { asOf, model, list, total, method, note } = head;
  return { asOf, model, list, total, customers, next_cursor, method, ...(note ? { note } : {}) };
}

/**
 * Nulls last, then by the key (ascending or not), then by customer id in code-unit order — the
 * engine's order of text, so a page the engine cuts and one cut here agree.
 */
function compareKeys(a: { key: number | null; id: string }, b: { key: number | null; id: string }, ascending: boolean): number {
  if (a.key === null || b.key === null) {
    if (a.key !== b.key) return a.key === null ? 1 : -1;
  } else if (a.key !== b.key) return ascending ? a.key - b.key : b.key - a.key;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface OrderContext {
  d: Dialect;
  q: QueryBuilder;
  fit: TransactionalFit | null;
  /** A subscription workspace's CLV factors (months null when retention cannot be measured). */
  subscriptionClv: { margin: number; months: number | null } | null;
}

/**
 * The sort key as SQL over the facts, ordering as the row's value orders (risk and P(alive) by
 * BG/NBD's log-odds of being gone, which they are monotone in); null where only TypeScript has the
 * value: the purchase model's CLV.
 */
function sqlOrder(sort: SortKey, c: OrderContext): { key: string; ascending: boolean } | null {
  const f = c.fit;
  const gone = () => (f ? goneLogOddsSql(c.d, c.q, f.bgnbd, 'repeat_days', 'recency', 'age') : '');
  const sub = c.subscriptionClv;
  const paying = 'coalesce(mrr, 0) > 0';
  switch (sort) {
    case 'revenue':
      return { key: 'coalesce(revenue, 0)', ascending: false };
    case 'recency':
      return { key: 'recency_days', ascending: true };
    case 'nps':
      return { key: 'nps', ascending: true };
    case 'engagement':
      return { key: 'engagement', ascending: false };
    case 'risk':
      if (sub) return { key: `CASE WHEN ${paying} THEN ${RISK_INPUTS.map((i) => `${i.weight} * ${i.id}`).join(' + ')} END`, ascending: false };
      return f ? { key: `CASE WHEN repeat_days >= 1 THEN ${gone()} END`, ascending: false } : null;
    case 'p_alive':
      // A customer with no repeat purchase is alive by the model's assumptions (P(alive) 1): last.
      if (sub) return { key: c.d.nullNumber, ascending: true };
      return f ? { key: `CASE WHEN repeat_days >= 1 THEN ${gone()} WHEN repeat_days = 0 THEN -1e300 END`, ascending: false } : null;
    case 'clv':
      if (!sub) return null;
      if (sub.months === null) return { key: c.d.nullNumber, ascending: false };
      // coalesce: ClickHouse 18.16 evaluates every branch, and a NULL mrr cannot be cast to a double.
      return { key: `CASE WHEN ${paying} THEN CAST(coalesce(mrr, 0) AS DOUBLE) * ${c.q.param(sub.margin)} * ${c.q.param(sub.months)} ELSE 0 END`, ascending: false };
  }
}

/** Rows after the cursor's (key, id) in the order: nulls last, then the key, then the id. */
function afterSql(q: QueryBuilder, ascending: boolean, c: { key: number | null; id: string }): string {
  const id = q.param(c.id);
  if (c.key === null) return `(_sort IS NULL AND customer_id > ${id})`;
  // As text cast in the engine: a whole-valued double (the -1e300 of P(alive)) would bind as an integer.
  const k = `CAST(${q.param(String(c.key))} AS DOUBLE)`;
  // Never the cursor's own customer again, should the engine's sum come out a bit different.
  return `customer_id <> ${id} AND (_sort ${ascending ? '>' : '<'} ${k} OR (_sort = ${k} AND customer_id > ${id}) OR _sort IS NULL)`;
}

/** The opaque cursor: the sort it belongs to, the last row's sort key and id, base64url JSON. */
function writeCursor(sort: SortKey, key: number | null, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function readCursor(cursor: string, sort: SortKey): { key: number | null; id: string } {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 3 || typeof v[2] !== 'string' || !(v[1] === null || typeof v[1] === 'number')) {
    throw new UsageError('bad-cursor', 'The cursor is not one this list gave.', 'Pass the next_cursor of the previous page unchanged, or leave it out for the first page.');
  }
  if (v[0] !== sort) throw new UsageError('bad-cursor', `The cursor belongs to a list sorted by ${String(v[0])}, not ${sort}.`, 'Keep the sort (and the other parameters) of the first page while paging.');
  return { key: v[1] as number | null, id: v[2] };
}

/** A model error as the value (the fit is then left out); anything else is rethrown. */
function modelErrorOnly(e: unknown): ModelError {
  if (e instanceof ModelError) return e;
  throw e;
}
