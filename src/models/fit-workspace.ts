/**
 * Fitting the purchase and spend models on a workspace: the engine computes the grouped
 * per-customer summary (queries.ts), TypeScript fits BG/NBD, Pareto/NBD and Gamma-Gamma on it and
 * returns the parameters with the predictions the lists and the report use.
 */
import { getSettings } from '../warehouse/schema/settings.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import * as bg from './bgnbd.js';
import { discountedPurchasesIfAlive } from './clv.js';
import { ModelError } from './errors.js';
import * as gg from './gamma-gamma.js';
import * as pn from './paretonbd.js';
import { fitPredictions, type Predictions } from './predictions.js';
import type { Columns, SpendColumns } from './summary.js';
import { binder, customerValueSql, fitInputSql, lastOrderDate, UNIT_DAYS, type QueryBuilder, type SummaryRequest, type SummaryTable, type TimeUnit } from './queries.js';

export interface FitOptions {
  /** Last day of the calibration period (inclusive); default: the last order day. */
  calibrationEnd?: string;
  timeUnit?: TimeUnit;
  /** L2 penalty on the parameters, as in lifetimes (default 0). */
  penalizer?: number;
  /** Also fit Pareto/NBD (default true). */
  pareto?: boolean;
  /** Holdout end (inclusive): the rows then carry holdout purchases. */
  holdoutEnd?: string;
  /** A table holding the summary of every customer for this calibration end (SummaryRequest.table); not with a holdout. */
  summaryTable?: SummaryTable;
}

/** Distinct (frequency, recency, T) with their customers (weight), holdout purchase days summed and their squares summed. */
export type HistoryColumns = Columns<'frequency' | 'recency' | 'T' | 'weight' | 'holdout' | 'holdoutSq'>;

export interface FitRows {
  readonly bg: HistoryColumns;
  readonly gg: SpendColumns;
}

export interface TransactionalFit {
  readonly calibrationEnd: string;
  readonly timeUnit: TimeUnit;
  readonly customers: number;
  readonly bgnbd: { r: number; alpha: number; a: number; b: number; loglik: number };
  readonly paretonbd: { r: number; alpha: number; s: number; beta: number; loglik: number } | null;
  readonly gammagamma: { p: number; q: number; gamma: number; loglik: number; correlation: number; warning: string | null } | null;
  readonly iterations: number;
  readonly seconds: number;
  /** A new customer's expected purchases and the P(alive) matrix. */
  readonly predictions: Predictions;
  /** P(alive) by BG/NBD for a customer's (frequency, recency, T) in the time unit. */
  pAlive(x: number, tx: number, T: number): number;
  /** Revenue CLV over a horizon in months at a monthly discount rate (BG/NBD × Gamma-Gamma). */
  clv(x: number, tx: number, T: number, monetary: number | null, horizonMonths: number, monthlyDiscount: number): number;
  /** The customers the fit was made on, grouped by identical summaries (without a holdout). */
  readonly valueRows?: ValueRows;
}

/** A fit's plain data (what `retain model fit --format json` prints): no functions, no customer rows. */
export type FitSummary = Omit<TransactionalFit, 'pAlive' | 'clv' | 'valueRows'>;

export function fitSummary(f: TransactionalFit): FitSummary {
  const { calibrationEnd, timeUnit, customers, bgnbd, paretonbd, gammagamma, iterations, seconds, predictions } = f;
  return { customers, calibrationEnd, timeUnit, bgnbd, paretonbd, gammagamma, iterations, seconds: Number(seconds.toFixed(3)), predictions };
}

/** The grouped fitting rows from the engine. */
export async function loadFitRows(wh: Warehouse, r: SummaryRequest): Promise<FitRows> {
  const query = async (kind: 'bg' | 'gg') => {
    const q = binder();
    return wh.queryNumbers(fitInputSql(wh.dialect, q, r, kind), q.params);
  };
  const [bg, gg] = [await query('bg'), await query('gg')];
  const c = bg.columns;
  return {
    bg: { length: bg.length, frequency: c.frequency!, recency: c.recency!, T: c.t!, weight: c.weight!, holdout: c.holdout_sum!, holdoutSq: c.holdout_sq! },
    gg: { length: gg.length, frequency: gg.columns.frequency!, monetary: gg.columns.monetary!, weight: gg.columns.weight! },
  };
}

export async function fitTransactional(wh: Warehouse, o: FitOptions = {}): Promise<TransactionalFit> {
  const t0 = performance.now();
  const { timezone } = await getSettings(wh);
  const calibrationEnd = o.calibrationEnd ?? (await lastOrderDate(wh, timezone));
  if (!calibrationEnd) throw new ModelError('No completed orders: the purchase models need purchase histories.', 'Import orders first: retain import orders <file>.');
  const timeUnit = o.timeUnit ?? 'day';
  const opts = { calibrationEnd, timeUnit, penalizer: o.penalizer ?? 0, pareto: o.pareto ?? true, started: t0 };
  if (o.holdoutEnd) return fitRows(await loadFitRows(wh, { calibrationEnd, holdoutEnd: o.holdoutEnd, timezone, timeUnit }), opts);
  // Without a holdout, one query serves the fit and the predictions: customers by identical
  // (frequency, recency, T, monetary), regrouped here for each model (a third faster than asking
  // the engine for the two groupings at a million customers).
  const valueRows = await loadValueRows(wh, binder(), { calibrationEnd, timezone, timeUnit, ...(o.summaryTable ? { table: o.summaryTable } : {}) });
  return { ...fitRows(groupValueRows(valueRows), opts), valueRows };
}

/** Customers by identical (frequency, recency, T, monetary), column by column; monetary NaN for none. */
export interface ValueRows {
  readonly length: number;
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array;
  readonly weight: Float64Array;
}

/** The customers' summaries from the engine (customerValueSql), ordered by (frequency, recency, T). */
export async function loadValueRows(wh: Warehouse, q: QueryBuilder, r: SummaryRequest): Promise<ValueRows> {
  const { length, columns: c } = await wh.queryNumbers(customerValueSql(wh.dialect, q, r), q.params);
  return { length, frequency: c.frequency!, recency: c.recency!, T: c.t!, monetary: c.monetary!, weight: c.weight! };
}

/**
 * The fitting rows from customers grouped by (frequency, recency, T, monetary), ordered by the
 * first three: BG/NBD rows merge adjacent equal histories; Gamma-Gamma takes every repeat
 * customer with a spend (spends are nearly all distinct, so grouping them gains nothing).
 */
export function groupValueRows(v: ValueRows): FitRows {
  const column = () => new Float64Array(v.length);
  const bg = { frequency: column(), recency: column(), T: column(), weight: column() };
  // Repeat customers with a spend: nearly every one has its own spend.
  const gg = { frequency: column(), monetary: column(), weight: column() };
  let histories = 0;
  let repeat = 0;
  for (let i = 0; i < v.length; i++) {
    const frequency = v.frequency[i]!;
    const recency = v.recency[i]!;
    const T = v.T[i]!;
    const weight = v.weight[i]!;
    const k = histories - 1;
    if (k >= 0 && bg.frequency[k] === frequency && bg.recency[k] === recency && bg.T[k] === T) bg.weight[k] = bg.weight[k]! + weight;
    else {
      bg.frequency[histories] = frequency;
      bg.recency[histories] = recency;
      bg.T[histories] = T;
      bg.weight[histories++] = weight;
    }
    const monetary = v.monetary[i]!;
    if (frequency > 0 && monetary > 0) {
      gg.frequency[repeat] = frequency;
      gg.monetary[repeat] = monetary;
      gg.weight[repeat++] = weight;
    }
  }
  const cut = (a: Float64Array, n: number) => a.subarray(0, n);
  // Without a holdout: no holdout purchases (zeros).
  const zeros = new Float64Array(histories);
  return {
    bg: { length: histories, frequency: cut(bg.frequency, histories), recency: cut(bg.recency, histories), T: cut(bg.T, histories), weight: cut(bg.weight, histories), holdout: zeros, holdoutSq: zeros },
    gg: { length: repeat, frequency: cut(gg.frequency, repeat), monetary: cut(gg.monetary, repeat), weight: cut(gg.weight, repeat) },
  };
}

/** Fit the models on rows already loaded (evaluation reuses them). */
export function fitRows(rows: FitRows, o: { calibrationEnd: string; timeUnit: TimeUnit; penalizer: number; pareto: boolean; started?: number }): TransactionalFit {
  const t0 = o.started ?? performance.now();
  const customers = rows.bg.weight.reduce((a, w) => a + w, 0);
  const b = bg.fitBgNbd(rows.bg, { penalizer: o.penalizer });
  const p = o.pareto ? pn.fitParetoNbd(rows.bg, { penalizer: o.penalizer }) : null;
  const g = rows.gg.length ? gg.fitGammaGamma(rows.gg, { penalizer: o.penalizer }) : null;
  const check = rows.gg.length ? gg.independenceCheck(rows.gg) : null;
  const unitsPerMonth = 365.25 / 12 / UNIT_DAYS[o.timeUnit];
  // Observed mean spend of repeat days: the fallback when Gamma-Gamma has no answer for a
  // customer — computed only then (it reads every repeat customer once more).
  let meanSpend: number | undefined;
  const fallbackSpend = () => (meanSpend ??= gg.meanRepeatSpend(rows.gg));
  const spendOf = (x: number, monetary: number | null) => {
    if (!g) return fallbackSpend();
    try {
      return gg.expectedSpend(g, x, monetary ?? 0);
    } catch (e) {
      // q ≤ 1: the population mean spend is unbounded, so a customer without repeat spend has none.
      if (e instanceof ModelError) return monetary ?? fallbackSpend();
      throw e;
    }
  };
  // CLV = spend · P(alive) · discounted purchases if alive; the last needs the hypergeometric
  // function and depends on (x, T) only, so it is cached: a million customers share far fewer.
  // Keyed by the terms (one short string), then x, then T: no string with x and T per customer.
  const factors = new Map<string, Map<number, Map<number, number>>>();
  const ifAlive = (x: number, T: number, horizonMonths: number, monthlyDiscount: number) => {
    const terms = `${horizonMonths}|${monthlyDiscount}`;
    let byX = factors.get(terms);
    if (!byX) factors.set(terms, (byX = new Map()));
    let byT = byX.get(x);
    if (!byT) byX.set(x, (byT = new Map()));
    let v = byT.get(T);
    if (v === undefined) {
      v = discountedPurchasesIfAlive(b, x, T, { horizonMonths, monthlyDiscount, unitsPerMonth });
      byT.set(T, v);
    }
    return v;
  };
  return {
    calibrationEnd: o.calibrationEnd,
    timeUnit: o.timeUnit,
    customers,
    bgnbd: { r: b.r, alpha: b.alpha, a: b.a, b: b.b, loglik: b.loglik },
    paretonbd: p ? { r: p.r, alpha: p.alpha, s: p.s, beta: p.beta, loglik: p.loglik } : null,
    gammagamma: g && check ? { p: g.p, q: g.q, gamma: g.gamma, loglik: g.loglik, correlation: check.correlation, warning: check.warn ? `Frequency and spend are correlated (r = ${check.correlation.toFixed(2)}): the Gamma-Gamma model assumes they are independent, so its spend predictions are biased.` : null } : null,
    iterations: b.iterations + (p?.iterations ?? 0) + (g?.iterations ?? 0),
    predictions: fitPredictions(b, p, o.timeUnit, rows.bg),
    seconds: (performance.now() - t0) / 1000,
    pAlive: (x, tx, T) => bg.probabilityAlive(b, x, tx, T),
    clv: (x, tx, T, monetary, horizonMonths, monthlyDiscount) => spendOf(x, monetary) * bg.probabilityAlive(b, x, tx, T) * ifAlive(x, T, horizonMonths, monthlyDiscount),
  };
}
