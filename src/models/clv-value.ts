/**
 * Predictive CLV from customers' summaries, numbers in and numbers out: fit BG/NBD and
 * Gamma-Gamma on the fit's customers, then sum each valued customer's 12-month CLV. Seconds of
 * plain JavaScript at a million customers, so the server runs it on a worker thread
 * (off-thread.ts); the CLI runs it where it is. Same function, same numbers.
 */
import { fitRows, groupValueRows, type ValueRows } from './fit-workspace.js';
import type { TimeUnit } from './queries.js';

export interface ClvInput {
  /** The customers the models are fitted on. */
  fit: ValueRows;
  /** The customers whose CLV is averaged, when not the fit's own (a --where). */
  valued?: ValueRows;
  calibrationEnd: string;
  timeUnit: TimeUnit;
  penalizer: number;
  horizonMonths: number;
  monthlyDiscount: number;
}

export interface ClvOutput {
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammagamma: { p: number; q: number; gamma: number; warning: string | null } | null;
  /** Σ weight × CLV over the valued customers (before the gross margin), and Σ weight. */
  total: number;
  n: number;
}

export function clvValue(o: ClvInput): ClvOutput {
  const fit = fitRows(groupValueRows(o.fit), { calibrationEnd: o.calibrationEnd, timeUnit: o.timeUnit, penalizer: o.penalizer, pareto: false });
  const rows = o.valued ?? o.fit;
  let n = 0;
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const monetary = rows.monetary[i]!;
    total += rows.weight[i]! * fit.clv(rows.frequency[i]!, rows.recency[i]!, rows.T[i]!, Number.isNaN(monetary) ? null : monetary, o.horizonMonths, o.monthlyDiscount);
    n += rows.weight[i]!;
  }
  const g = fit.gammagamma;
  return { bgnbd: fit.bgnbd, gammagamma: g ? { p: g.p, q: g.q, gamma: g.gamma, warning: g.warning } : null, total, n };
}
