/**
 * Holdout validation of a purchase model, the classic way (Fader, Hardie & Lee 2005): fit on the
 * calibration period, then compare with what customers did in the holdout — the conditional
 * expectation per calibration frequency, the totals, and the cumulative tracking curve.
 * Works on the grouped rows the engine returns; no per-customer rows are needed.
 */
import { toColumns, type Columns } from './summary.js';

/** What evaluation needs of a fitted purchase model (BG/NBD or Pareto/NBD). */
export interface PurchaseModel {
  /** E[purchases in (T, T + t] | x, t_x, T]. */
  conditional(t: number, x: number, tx: number, T: number): number;
  /** E[purchases in (0, t]] of a customer who just made a first purchase. */
  unconditional(t: number): number;
}

/** A group of calibration customers with identical (frequency, recency, T) and their holdout purchase days. */
export interface HoldoutRow {
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly weight: number;
  /** Holdout purchase days summed over the group, and their squares summed. */
  readonly holdout: number;
  readonly holdoutSq: number;
}

export interface FrequencyGroup {
  /** Calibration repeat purchases: '0', '1', … and the last group open-ended ('7+'). */
  readonly frequency: string;
  readonly customers: number;
  /** Mean holdout purchases per customer: observed and predicted. */
  readonly actual: number;
  readonly predicted: number;
}

export interface HoldoutErrors {
  readonly customers: number;
  readonly actual: number;
  readonly predicted: number;
  /** (predicted − actual) / actual · 100; null when nobody bought in the holdout. */
  readonly errorPct: number | null;
  /** Per customer, over all customers: root mean squared error of the predicted holdout purchases. */
  readonly rmse: number;
  /** Mean absolute error of the frequency groups' means, weighted by their customers. */
  readonly groupMae: number;
}

/** Predicted and observed holdout purchases per calibration frequency, and the error figures. */
export function conditionalExpectations(
  histories: readonly HoldoutRow[] | Columns<keyof HoldoutRow>,
  model: PurchaseModel,
  horizon: number,
  cap = 7,
): { groups: FrequencyGroup[]; errors: HoldoutErrors } {
  const acc = new Map<number, { n: number; actual: number; predicted: number }>();
  let n = 0;
  let actual = 0;
  let predicted = 0;
  let sse = 0;
  const rows = toColumns(histories, ['frequency', 'recency', 'T', 'weight', 'holdout', 'holdoutSq']);
  for (let i = 0; i < rows.length; i++) {
    const r = { frequency: rows.frequency[i]!, recency: rows.recency[i]!, T: rows.T[i]!, weight: rows.weight[i]!, holdout: rows.holdout[i]!, holdoutSq: rows.holdoutSq[i]! };
    const p = model.conditional(horizon, r.frequency, r.recency, r.T);
    const key = Math.min(r.frequency, cap);
    const g = acc.get(key) ?? { n: 0, actual: 0, predicted: 0 };
    g.n += r.weight;
    g.actual += r.holdout;
    g.predicted += p * r.weight;
    acc.set(key, g);
    n += r.weight;
    actual += r.holdout;
    predicted += p * r.weight;
    // Σ (y − p)² over the group's customers, from the sums of y and y².
    sse += r.holdoutSq - 2 * p * r.holdout + r.weight * p * p;
  }
  const groups = [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, g]) => ({ frequency: k === cap ? `${cap}+` : String(k), customers: g.n, actual: g.actual / g.n, predicted: g.predicted / g.n }));
  const groupMae = n ? groups.reduce((s, g) => s + g.customers * Math.abs(g.predicted - g.actual), 0) / n : 0;
  return {
    groups,
    errors: { customers: n, actual, predicted, errorPct: actual ? (100 * (predicted - actual)) / actual : null, rmse: n ? Math.sqrt(Math.max(0, sse) / n) : 0, groupMae },
  };
}

export interface TrackingPoint {
  /** Day number of the end of the step. */
  readonly day: number;
  /** Cumulative repeat purchase days up to and including that day: observed and expected. */
  readonly actual: number;
  readonly predicted: number;
}

/**
 * The cumulative repeat purchases over time, observed and as the model expects them for the
 * customers as they arrived: Σ over first-purchase days f ≤ e of n_f · E[X((e − f) / unit)].
 */
export function trackingCurve(
  firsts: ReadonlyMap<number, number>,
  repeats: ReadonlyMap<number, number>,
  model: PurchaseModel,
  opts: { startDay: number; endDay: number; stepDays: number; unitDays: number },
): TrackingPoint[] {
  const points: TrackingPoint[] = [];
  const repeatDays = [...repeats.entries()].sort((a, b) => a[0] - b[0]);
  const cohorts = [...firsts.entries()].sort((a, b) => a[0] - b[0]);
  let cum = 0;
  let j = 0;
  for (let e = opts.startDay + opts.stepDays - 1; ; e += opts.stepDays) {
    const day = Math.min(e, opts.endDay);
    while (j < repeatDays.length && repeatDays[j]![0] <= day) cum += repeatDays[j++]![1];
    let expected = 0;
    for (const [f, n] of cohorts) {
      if (f > day) break;
      expected += n * model.unconditional((day - f) / opts.unitDays);
    }
    points.push({ day, actual: cum, predicted: expected });
    if (day >= opts.endDay) break;
  }
  return points;
}
