/**
 * The retention what-if: what the business's customers, revenue, profit and customer value come
 * to over a horizon at today's retention, and with retention some percentage points higher — so a
 * user can test the source notes' claim (+5 % retention lifts profit by 25–95 %, Reichheld) on
 * their own figures.
 *
 * A cohort model, month by month, every input measured on the workspace and shown: customers
 * active now survive each month with the monthly rate equivalent to the annual retention rate
 * (s = A^(1/12)); new customers keep arriving at the recent monthly rate and survive the same way;
 * each active customer brings the recent revenue per active customer and month; profit is revenue
 * times the gross margin; money is discounted monthly. The scenario raises A by the given points
 * (capped at 100). What the model leaves out — costs falling and referrals growing with tenure,
 * which the claim also counts — is why it is a floor for the effect, not a forecast.
 */

export interface WhatIfInputs {
  /** Customers active now. */
  readonly activeCustomers: number;
  /** Annual customer retention rate, percent (0–100). */
  readonly annualRetention: number;
  /** New customers per month. */
  readonly newPerMonth: number;
  /** Revenue per active customer per month (reporting currency). */
  readonly revenuePerCustomerMonth: number;
  /** Gross margin, 0–1. */
  readonly grossMargin: number;
  /** Monthly discount rate, e.g. 0.01. */
  readonly monthlyDiscount: number;
}

export interface Projection {
  readonly annualRetention: number;
  readonly monthlyRetention: number;
  /** Customers active at the end of the horizon. */
  readonly customersAtEnd: number;
  /** Over the horizon, discounted. */
  readonly revenue: number;
  readonly profit: number;
  /** Discounted profit a new customer brings over the horizon. */
  readonly clv: number;
}

export interface WhatIf {
  readonly horizonMonths: number;
  readonly retentionPoints: number;
  readonly inputs: WhatIfInputs;
  readonly baseline: Projection;
  readonly scenario: Projection;
  /** Scenario against baseline, percent. */
  readonly uplift: { readonly customersAtEnd: number | null; readonly revenue: number | null; readonly profit: number | null; readonly clv: number | null };
}

function project(inp: WhatIfInputs, annual: number, months: number): Projection {
  const pct = Math.min(100, Math.max(0, annual));
  const s = (pct / 100) ** (1 / 12);
  const perMonthProfit = inp.revenuePerCustomerMonth * inp.grossMargin;
  let active = inp.activeCustomers;
  let revenue = 0;
  let clv = 0;
  for (let t = 0; t < months; t++) {
    const discount = (1 + inp.monthlyDiscount) ** -t;
    // Customers active during month t bring its revenue; then they survive into the next month
    // and the month's new customers join.
    revenue += active * inp.revenuePerCustomerMonth * discount;
    clv += s ** t * perMonthProfit * discount;
    active = active * s + inp.newPerMonth;
  }
  return { annualRetention: pct, monthlyRetention: 100 * s, customersAtEnd: active, revenue, profit: revenue * inp.grossMargin, clv };
}

const change = (to: number, from: number) => (from ? (100 * (to - from)) / from : null);

export function retentionWhatIf(inputs: WhatIfInputs, retentionPoints: number, horizonMonths: number): WhatIf {
  const baseline = project(inputs, inputs.annualRetention, horizonMonths);
  const scenario = project(inputs, inputs.annualRetention + retentionPoints, horizonMonths);
  return {
    horizonMonths,
    retentionPoints,
    inputs,
    baseline,
    scenario,
    uplift: {
      customersAtEnd: change(scenario.customersAtEnd, baseline.customersAtEnd),
      revenue: change(scenario.revenue, baseline.revenue),
      profit: change(scenario.profit, baseline.profit),
      clv: change(scenario.clv, baseline.clv),
    },
  };
}
