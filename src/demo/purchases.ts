/**
 * Orders, their lines and returns. The completed orders follow BG/NBD exactly: the first at
 * acquisition, repeats as a Poisson process at the customer's rate λ, and after each repeat a
 * drop-out with chance p. Each order's USD value is Gamma(p, ν) (Gamma-Gamma). Cancelled orders
 * are extra attempts beside that process, so they do not disturb it.
 */
import { CATEGORIES, ORDER_CHANNELS, PRODUCTS, RETURN_REASONS } from './catalog.js';
import { GAMMA_GAMMA, type Ctx, type Customer } from './profile.js';
import { cents, DAY, iso, MINUTE } from './time.js';
import { rateAt } from './world.js';

export interface Purchase {
  readonly at: number;
  readonly usd: number;
  readonly channel: 'web' | 'app' | 'store';
}

export interface Purchases {
  /** Completed orders, oldest first; never empty. */
  readonly orders: readonly Purchase[];
  /** When the last completed order was placed. */
  readonly last: number;
  /** Whether the customer dropped out (false: still alive at the end). */
  readonly droppedOut: boolean;
}

const LINES = [
  [1, 40],
  [2, 30],
  [3, 18],
  [4, 12],
] as const;
const QUANTITY = [
  [1, 75],
  [2, 18],
  [3, 7],
] as const;

export function writePurchases(ctx: Ctx, c: Customer): Purchases {
  const { rnd, world } = ctx;
  const times = [c.acquired + rnd.int(1, 30) * MINUTE];
  let droppedOut = false;
  for (let t = times[0]!; ; ) {
    t += rnd.exponential(c.lambda) * DAY;
    if (t >= world.end) break;
    times.push(t);
    if (rnd.chance(c.dropout)) {
      droppedOut = true;
      break;
    }
  }
  const preferred = rnd.weighted(ORDER_CHANNELS);
  const orders: Purchase[] = [];
  for (const at of times) {
    const channel = rnd.chance(0.6) ? preferred : rnd.weighted(ORDER_CHANNELS);
    orders.push({ at, usd: writeOrder(ctx, c, at, channel, false), channel });
    // About 3 % of orders are cancelled: an attempt the customer abandons and places again.
    const attempt = at - rnd.int(5, 240) * MINUTE;
    if (rnd.chance(0.031) && attempt > c.acquired) writeOrder(ctx, c, attempt, channel, true);
  }
  return { orders, last: times.at(-1)!, droppedOut };
}

/** Writes one order with its lines (and returns, when completed); gives its value in USD. */
function writeOrder(ctx: Ctx, c: Customer, at: number, channel: string, cancelled: boolean): number {
  const { rnd, world, ids, sink } = ctx;
  const rate = c.currency === 'USD' ? 1 : rateAt(world, c.currency, at);
  const value = rnd.gamma(GAMMA_GAMMA.p, 1 / c.nu);
  const total = Math.max(500, Math.round((value / rate) * 100)); // cents, order currency
  const orderId = ids.next('o');
  sink.emit('orders', {
    order_id: orderId,
    customer_id: c.id,
    ordered_at: iso(at),
    amount: cents(total),
    currency: c.currency,
    status: cancelled ? 'cancelled' : 'completed',
    channel,
  });
  // Split the total over the lines; the last line takes what is left, so the lines add up exactly.
  const lines = rnd.weighted(LINES);
  const weights: number[] = [];
  let sum = 0;
  for (let l = 0; l < lines; l++) sum += weights[l] = 0.5 + rnd.next();
  let rest = total;
  const returnChance = cancelled ? 0 : 0.055 + 0.14 * (1 - c.satisfaction);
  for (let l = 0; l < lines; l++) {
    let quantity: number = rnd.weighted(QUANTITY);
    let unit: number;
    if (l < lines - 1) {
      unit = Math.max(1, Math.floor((total * weights[l]!) / sum / quantity));
    } else {
      if (rest % quantity !== 0) quantity = 1;
      unit = rest / quantity;
    }
    rest -= unit * quantity;
    const product = rnd.chance(0.5)
      ? c.favouriteCategory + 1 + CATEGORIES.length * Math.floor(rnd.next() ** 2 * (PRODUCTS / CATEGORIES.length))
      : 1 + Math.floor(rnd.next() ** 2 * PRODUCTS);
    const productId = productCode(product);
    sink.emit('order_items', {
      order_id: orderId,
      line_id: String(l + 1),
      product_id: productId,
      category: CATEGORIES[(product - 1) % CATEGORIES.length],
      quantity,
      unit_price: cents(unit),
    });
    const returnedAt = at + rnd.uniform(1, 30) * DAY;
    if (rnd.chance(returnChance) && returnedAt < world.end) {
      const returned = rnd.chance(0.8) ? quantity : rnd.int(1, quantity);
      sink.emit('returns', {
        return_id: ids.next('r'),
        order_id: orderId,
        product_id: productId,
        quantity: returned,
        // Refunds are in the workspace currency (USD), at the rate the order was paid at.
        amount: cents(Math.round(returned * unit * rate)),
        returned_at: iso(returnedAt),
        reason: rnd.pick(RETURN_REASONS),
      });
    }
  }
  return (total * rate) / 100;
}

/** `p0042`: products are numbered 1…PRODUCTS, the category is the number modulo the categories. */
export const productCode = (n: number): string => `p${String(n).padStart(4, '0')}`;
