/**
 * Customer lifetime value over a horizon in months, as `lifetimes`' customer_lifetime_value: the
 * BG/NBD expected purchases in each month (cumulative expectation differenced), times the expected
 * spend per purchase (Gamma-Gamma), discounted at a monthly rate:
 *   CLV = margin · Σ_{i=1..H} (E[X(t_i)] − E[X(t_{i−1})]) · spend / (1 + d)^i,  t_i = i · unitsPerMonth.
 */
import { expectedPurchasesIfAlive, probabilityAlive, type BgNbdParams } from './bgnbd.js';
import { ModelError } from './errors.js';

export interface ClvOptions {
  /** Whole months to project (lifetimes' `time`). */
  readonly horizonMonths: number;
  /** Discount rate per month, e.g. 0.01 (lifetimes' `discount_rate`). */
  readonly monthlyDiscount: number;
  /** Model time units per month: 30 for days, 30/7 for weeks (lifetimes' `freq` factor). */
  readonly unitsPerMonth: number;
  /** Share of spend that is profit (default 1: revenue CLV). */
  readonly margin?: number;
}

/**
 * CLV of a customer with history (x, t_x, T) in the model's time unit and an expected spend per
 * purchase (e.g. gamma-gamma's expectedSpend): margin · spend · P(alive) · the discounted purchases
 * of a customer alive (E[X] factorises so, month by month).
 */
export function customerLifetimeValue(model: BgNbdParams, spend: number, x: number, tx: number, T: number, o: ClvOptions): number {
  const margin = o.margin ?? 1;
  if (!Number.isFinite(spend) || !Number.isFinite(margin)) throw new ModelError(`CLV: spend (${spend}) and margin (${margin}) must be finite numbers.`);
  return margin * spend * probabilityAlive(model, x, tx, T) * discountedPurchasesIfAlive(model, x, T, o);
}

/** Σ_{i=1..H} (E[X(t_i) | alive] − E[X(t_{i−1}) | alive]) / (1 + d)^i for a customer with x repeat purchases observed for T. */
export function discountedPurchasesIfAlive(model: BgNbdParams, x: number, T: number, o: ClvOptions): number {
  const { horizonMonths: months, monthlyDiscount: d, unitsPerMonth: u } = o;
  if (!Number.isInteger(months) || months < 0) throw new ModelError(`CLV: the horizon must be a whole number of months ≥ 0, got ${months}.`);
  if (!(d > -1) || !Number.isFinite(d)) throw new ModelError(`CLV: the monthly discount rate must be a finite number above −1 (e.g. 0.01), got ${d}.`);
  if (!(u > 0) || !Number.isFinite(u)) throw new ModelError(`CLV: time units per month must be positive (30 for days, 30/7 for weeks), got ${u}.`);
  let sum = 0;
  let before = 0;
  for (let i = 1; i <= months; i++) {
    const upTo = expectedPurchasesIfAlive(model, i * u, x, T);
    sum += (upTo - before) / (1 + d) ** i;
    before = upTo;
  }
  return sum;
}
