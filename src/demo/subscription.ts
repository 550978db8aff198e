/**
 * A subscriber's plan history and invoices. Billing is monthly from the start date; at each renewal
 * the customer may churn (a monthly hazard that rises with poor experience: low satisfaction, a
 * recent complaint), upgrade or downgrade. Churned customers sometimes come back on a new
 * subscription.
 */
import { PLANS } from './catalog.js';
import type { Ctx, Customer } from './profile.js';
import { addMonths, cents, DAY, iso } from './time.js';

export interface SubscriptionPeriod {
  readonly from: number;
  /** The churn instant, or the end of the data. */
  readonly to: number;
  readonly churned: boolean;
}

export interface Subscription {
  readonly periods: readonly SubscriptionPeriod[];
  /** The plan the customer is (or was last) on. */
  readonly plan: string | undefined;
}

/** Monthly churn hazard: about 1 % for delighted customers, 7 % for unhappy ones, ×2.5 after a complaint. */
export const churnHazard = (satisfaction: number, recentComplaint: boolean): number =>
  (0.008 + 0.1 * (1 - satisfaction) ** 1.5) * (recentComplaint ? 2.5 : 1);

export function writeSubscription(ctx: Ctx, c: Customer, complaints: readonly number[]): Subscription {
  const { rnd, world, ids, sink } = ctx;
  const { end } = world;
  let anchor = c.acquired + rnd.uniform(0, 14) * DAY;
  if (anchor >= end) return { periods: [], plan: undefined };
  let plan = rnd.weighted([
    [0, 55],
    [1, 33],
    [2, 12],
  ] as const) as number;
  let subscriptionId = ids.next('sub');
  const change = (at: number, mrr: number) =>
    sink.emit('subscription_events', {
      event_id: ids.next('se'),
      customer_id: c.id,
      subscription_id: subscriptionId,
      occurred_at: iso(at),
      mrr: cents(mrr * 100),
      currency: 'USD',
      plan: PLANS[plan]![0],
    });
  const periods: SubscriptionPeriod[] = [];
  let from = anchor;
  let active = true;
  change(anchor, PLANS[plan]![1]);
  for (let k = 0; ; ) {
    const issued = addMonths(anchor, k);
    if (active) writeInvoice(ctx, c, issued, PLANS[plan]![1]);
    const renewal = addMonths(anchor, ++k);
    if (renewal >= end) break;
    if (active) {
      const recent = complaints.some((t) => t < renewal && t > renewal - 60 * DAY);
      if (rnd.chance(churnHazard(c.satisfaction, recent))) {
        active = false;
        change(renewal, 0);
        periods.push({ from, to: renewal, churned: true });
      } else if (plan < PLANS.length - 1 && rnd.chance(0.01 + 0.03 * c.satisfaction)) {
        plan++;
        change(renewal, PLANS[plan]![1]);
      } else if (plan > 0 && rnd.chance(0.035 - 0.03 * c.satisfaction)) {
        plan--;
        change(renewal, PLANS[plan]![1]);
      }
    } else if (rnd.chance(0.015 + 0.04 * c.satisfaction)) {
      // Reactivation: a new subscription, billed from its own start.
      const back = renewal + rnd.uniform(0, 20) * DAY;
      if (back >= end) break;
      anchor = from = back;
      k = 0;
      active = true;
      subscriptionId = ids.next('sub');
      if (rnd.chance(0.3) && plan > 0) plan--;
      change(back, PLANS[plan]![1]);
    }
  }
  if (active) periods.push({ from, to: end, churned: false });
  return { periods, plan: PLANS[plan]![0] };
}

/** A monthly invoice: due 14–30 days after issue; most paid on time, ~15 % late, ~3 % never. */
function writeInvoice(ctx: Ctx, c: Customer, issued: number, amount: number): void {
  const { rnd, world, ids, sink } = ctx;
  const due = issued + rnd.int(14, 30) * DAY;
  const late = 0.1 + 0.12 * (1 - c.satisfaction);
  const u = rnd.next();
  const paid = u < 0.03 ? Infinity : u < 0.03 + late ? due + rnd.uniform(1, 45) * DAY : issued + rnd.uniform(0.1, 0.95) * (due - issued);
  const settled = paid < world.end;
  sink.emit('invoices', {
    invoice_id: ids.next('inv'),
    customer_id: c.id,
    issued_at: iso(issued),
    due_at: iso(due),
    amount: cents(amount * 100),
    currency: 'USD',
    paid_at: settled ? iso(paid) : undefined,
    paid_amount: settled ? cents(amount * 100) : undefined,
  });
}
