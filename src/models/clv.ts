/**
 * Customer lifetime value over a horizon in months, as `lifetimes`' customer_lifetime_value: the
 * BG/NBD expected purchases in each month (cumulative expectation differenced), times the expected
 * spend per purchase (Gamma-Gamma), discounted at a monthly rate:
 *   CLV = margin · Σ_{i=1..H} (E[X(t_i)] − E[X(t_{i−1})]) · spend / (1 + d)^i,  t_i = i · unitsPerMonth.
 */
import { conditionalExpectedPurchases, type BgNbdParams } from './bgnbd.js';
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
 * purchase (e.g. gamma-gamma's expectedSpend).
 */
export function customerLifetimeValue(model: BgNbdParams, spend: number, x: number, tx: number, T: number, o: ClvOptions): number {
  const { horizonMonths: months, monthlyDiscount: d, unitsPerMonth: u } = o;
  const margin = o.margin ?? 1;
  if (!Number.isInteger(months) || months < 0) throw new ModelError(`CLV: the horizon must be a whole number of months ≥ 0, got ${months}.`);
  if (!(d > -1) || !Number.isFinite(d)) throw new ModelError(`CLV: the monthly discount rate must be a finite number above −1 (e.g. 0.01), got ${d}.`);
  if (!(u > 0) || !Number.isFinite(u)) throw new ModelError(`CLV: time units per month must be positive (30 for days, 30/7 for weeks), got ${u}.`);
  if (!Number.isFinite(spend) || !Number.isFinite(margin)) throw new ModelError(`CLV: spend (${spend}) and margin (${margin}) must be finite numbers.`);
  let clv = 0;
  let before = 0;
  for (let i = 1; i <= months; i++) {
    const upTo = conditionalExpectedPurchases(model, i * u, x, tx, T);
    clv += (upTo - before) / (1 + d) ** i;
    before = upTo;
  }
  return margin * spend * clv;
}
