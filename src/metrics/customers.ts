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
import type { Row, Warehouse } from '../warehouse/warehouse.js';
import { fitTransactional, type TransactionalFit } from '../models/fit-workspace.js';
import { goneLogOddsSql, lastOrderDate } from '../models/queries.js';
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
}

export interface CustomerList {
  asOf: string;
  model: 'subscription' | 'transactional';
  list: string;
  /** Customers on the list before the limit. */
  total: number;
  customers: CustomerRow[];
  /** How risk and CLV were obtained. */
  method: string;
  /** Why CLV, P(alive) and risk are null, when the model could not be fitted. */
  note?: string;
}

/** The sort keys only the purchase model gives. */
const MODEL_SORTS: readonly SortKey[] = ['clv', 'risk', 'p_alive'];

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function customerList(wh: Warehouse, o: CustomerListOptions): Promise<CustomerList> {
  const list = o.segment ?? 'all';
  if (!(LISTS as readonly string[]).includes(list)) throw new UsageError('unknown-segment', `Unknown list ${list}.`, `Lists: ${LISTS.join(', ')}.`);
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
    if (o.rfm) conditions.push(`rfm = ${s.param(o.rfm)}`);
    if (list === 'promoters' || list === 'passives' || list === 'detractors') conditions.push(`nps_class = ${s.param(list.slice(0, -1))}`);
    else if (list === 'at-risk' && fit) conditions.push(`repeat_days >= 1 AND ${goneLogOddsSql(wh.dialect, s, fit.bgnbd, 'repeat_days', 'recency', 'age')} >= -1e-9`);
    else if (list === 'at-risk') conditions.push(`${RISK_INPUTS.map((i) => `${i.weight} * ${i.id}`).join(' + ')} >= ${AT_RISK} - 1e-9`);
    else if (list !== 'all') conditions.push(`rfm = ${s.param(list)}`);
    return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  })();
  const facts = customerFactsSql(wh.dialect, s, { asOf, end: s.to, timezone: tz, model, engagementWeights: s.settings.engagementWeights });
  const rows = await wh.query(`SELECT * FROM (${facts}) f${listSql}`, s.params);
  const out: CustomerRow[] = rows.map((r) => ({
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
  }));
  const pass = (c: CustomerRow) =>
    (!o.rfm || c.rfm === o.rfm) &&
    (list === 'all'
      ? true
      : list === 'at-risk'
        ? c.risk !== null && c.risk >= AT_RISK
        : list === 'promoters' || list === 'passives' || list === 'detractors'
          ? c.nps_class === list.slice(0, -1)
          : c.rfm === list);
  const chosen = out.filter(pass);
  const sort = o.sort ?? (list === 'detractors' ? 'nps' : unfitted ? 'revenue' : 'clv');
  // Worst first for risk-like keys is the most useful order for acting: highest risk, lowest NPS.
  const key = (c: CustomerRow): number | null => (sort === 'recency' ? c.recency_days : sort === 'p_alive' ? c.p_alive : c[sort]);
  const ascending = sort === 'nps' || sort === 'p_alive' || sort === 'recency';
  chosen.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? a.customer_id.localeCompare(b.customer_id) : x === null ? 1 : -1;
    return (ascending ? x - y : y - x) || a.customer_id.localeCompare(b.customer_id);
  });
  return { asOf, model, list, total: chosen.length, customers: chosen.slice(0, o.limit ?? 50), method, ...(note ? { note } : {}) };
}

/** A model error as the value (the fit is then left out); anything else is rethrown. */
function modelErrorOnly(e: unknown): ModelError {
  if (e instanceof ModelError) return e;
  throw e;
}
