/**
 * What a fit predicts for the population, beside its parameters: the expected repeat purchases of
 * a customer who has just bought for the first time, over horizons from a month to a year, and the
 * frequency/recency matrix of P(alive) (lifetimes' plot_probability_alive_matrix): how likely a
 * customer with x repeat purchases, the last at t_x, is still active after T units of observation.
 */
import * as bg from './bgnbd.js';
import * as pn from './paretonbd.js';
import { UNIT_DAYS, type TimeUnit } from './queries.js';
import { toColumns, type Columns } from './summary.js';

export interface NewCustomerExpectation {
  readonly months: number;
  /** The horizon in the fit's time unit. */
  readonly units: number;
  readonly bgnbd: number;
  readonly paretonbd: number | null;
}

export interface AliveMatrix {
  /** Observation time of every cell, in the time unit: the longest T of the fit. */
  readonly T: number;
  /** Row labels: repeat purchases 0…F (F the 99th percentile of the customers' frequencies, at least 1, at most 60). */
  readonly frequencies: number[];
  /** Column labels: time of the last purchase, 0…T in (at most) 25 even steps. */
  readonly recencies: number[];
  /** P(alive) by BG/NBD, values[frequency][recency], 0–1. */
  readonly values: number[][];
}

export interface Predictions {
  readonly newCustomer: NewCustomerExpectation[];
  readonly pAlive: AliveMatrix;
}

const HORIZONS = [1, 3, 6, 12];

/** The predictions of a fit, from its parameters and the (frequency, T, weight) of its customers. */
export function fitPredictions(
  b: bg.BgNbdParams,
  p: pn.ParetoNbdParams | null,
  timeUnit: TimeUnit,
  histories: readonly { frequency: number; T: number; weight: number }[] | Columns<'frequency' | 'T' | 'weight'>,
): Predictions {
  const rows = toColumns(histories, ['frequency', 'T', 'weight']);
  const unitsPerMonth = 365.25 / 12 / UNIT_DAYS[timeUnit];
  const newCustomer = HORIZONS.map((months) => {
    const units = months * unitsPerMonth;
    return { months, units, bgnbd: bg.expectedPurchases(b, units), paretonbd: p ? pn.expectedPurchases(p, units) : null };
  });
  const T = rows.T.reduce((m, t) => Math.max(m, t), 0);
  const maxFrequency = Math.min(60, Math.max(1, weightedPercentile(rows, 0.99)));
  const steps = Math.min(25, Math.max(1, Math.ceil(T)));
  const recencies = Array.from({ length: steps + 1 }, (_, i) => (i === steps ? T : Math.round(((i * T) / steps) * 100) / 100));
  const frequencies = Array.from({ length: maxFrequency + 1 }, (_, x) => x);
  return { newCustomer, pAlive: { T, frequencies, recencies, values: frequencies.map((x) => recencies.map((tx) => bg.probabilityAlive(b, x, tx, T))) } };
}

/** The smallest frequency at or below which a share q of the customers lie. */
function weightedPercentile(rows: Columns<'frequency' | 'weight'>, q: number): number {
  const byFrequency = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = rows.frequency[i]!;
    byFrequency.set(x, (byFrequency.get(x) ?? 0) + rows.weight[i]!);
    total += rows.weight[i]!;
  }
  let seen = 0;
  for (const [x, w] of [...byFrequency].sort((a, c) => a[0] - c[0])) {
    seen += w;
    if (seen >= q * total) return x;
  }
  return 0;
}
