/**
 * One customer's whole history. The behaviour follows the stories the models tell, so the metrics
 * and models have something true to find: a purchase rate and a drop-out chance per customer
 * (BG/NBD), a spend level per customer (Gamma-Gamma), and a latent satisfaction that drives both
 * survey answers and behaviour (unhappy customers leave sooner, complain more, answer lower).
 */
import type { Random } from './random.js';
import { CATEGORIES, CHANNELS, COUNTRIES, DAY, iso, LOCAL_CURRENCY, money, PLANS, rateAt, type World } from './world.js';

export type Emit = (table: string, row: Record<string, string | number | null>) => void;

/** Running id counters, one per table. */
export class Ids {
  private readonly n = new Map<string, number>();
  next(prefix: string): string {
    const v = (this.n.get(prefix) ?? 0) + 1;
    this.n.set(prefix, v);
    return `${prefix}${v}`;
  }
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const PAGES = ['/', '/products', '/products/new', '/pricing', '/blog/loyalty-tips', '/blog/how-to', '/help', '/account', '/cart'];
const FEATURES: readonly (readonly [string, number])[] = [
  ['login', 40],
  ['dashboard_view', 25],
  ['create_report', 12],
  ['export', 8],
  ['invite_user', 3],
  ['api_call', 12],
];

export function simulateCustomer(index: number, world: World, rnd: Random, ids: Ids, emit: Emit): void {
  const { start, end } = world;
  const span = end - start;
  const id = `c${String(index + 1).padStart(7, '0')}`;
  // Acquisition grows over time: density rising linearly across the period.
  const acquired = start + Math.floor(Math.sqrt(rnd.next()) * (span - 2 * DAY));
  const country = rnd.weighted(COUNTRIES);
  const channel = rnd.weighted(CHANNELS);
  const satisfaction = rnd.beta(5, 2); // 0 unhappy … 1 delighted; mean ≈ 0.71
  const subscriber = rnd.chance(0.35);
  const industry = rnd.pick(['retail', 'software', 'services', 'media', 'manufacturing']);
  const segment = rnd.weighted([
    ['smb', 70],
    ['mid_market', 24],
    ['enterprise', 6],
  ] as const);
  emit('customers', {
    customer_id: id,
    created_at: iso(acquired),
    email: `${id}@example.com`,
    name: `Customer ${index + 1}`,
    country,
    channel,
    plan: null,
    attributes: JSON.stringify({ industry, segment }),
  });

  // Purchases (BG/NBD): rate λ per day, drop-out chance p after each purchase.
  const lambda = rnd.gamma(0.9, 1 / 20);
  const p = Math.min(0.95, rnd.beta(0.6, 3.5) * (2 - 1.8 * satisfaction));
  // Spend (Gamma-Gamma): a customer's spend level ν, each order's value around p/ν.
  const nu = rnd.gamma(4, 1 / 45);
  const localCurrency = LOCAL_CURRENCY[country];
  const orderTimes: number[] = [];
  let lastActive = acquired;
  for (let t = acquired + rnd.int(0, 3) * HOUR; t < end; t += rnd.exponential(lambda) * DAY) {
    orderTimes.push(t);
    lastActive = t;
    if (rnd.chance(p)) break;
  }
  const loyaltyJoin = rnd.chance(0.4) ? acquired + rnd.int(0, 60) * DAY : Infinity;
  let points = 0;
  const member = loyaltyJoin < end;
  if (member) {
    const left = rnd.chance(0.05) ? loyaltyJoin + rnd.int(60, 400) * DAY : Infinity;
    emit('loyalty_members', {
      customer_id: id,
      joined_at: iso(loyaltyJoin),
      tier: rnd.weighted([
        ['bronze', 60],
        ['silver', 30],
        ['gold', 10],
      ] as const),
      left_at: left < end ? iso(left) : null,
    });
  }
  for (const t of orderTimes) {
    const orderId = ids.next('o');
    const currency = localCurrency && rnd.chance(0.5) ? localCurrency : 'USD';
    const rate = currency === 'USD' ? 1 : rateAt(world, currency, t);
    const lines = rnd.int(1, 4);
    const cancelled = rnd.chance(0.03);
    let amount = 0;
    const value = rnd.gamma(6, 1 / nu) / rate; // in the order currency
    for (let l = 1; l <= lines; l++) {
      const quantity = rnd.weighted([
        [1, 75],
        [2, 18],
        [3, 7],
      ] as const);
      const unitPrice = Math.max(1, Math.round(((value / lines) * (0.5 + rnd.next())) / quantity * 100) / 100);
      amount += unitPrice * quantity;
      const productId = `p${rnd.int(1, 400)}`;
      emit('order_items', { order_id: orderId, line_id: String(l), product_id: productId, category: CATEGORIES[rnd.int(0, CATEGORIES.length - 1)]!, quantity, unit_price: money(unitPrice) });
      const returnedAt = t + rnd.int(2, 30) * DAY;
      if (!cancelled && rnd.chance(0.08) && returnedAt < end) {
        emit('returns', {
          return_id: ids.next('r'),
          order_id: orderId,
          product_id: productId,
          quantity,
          amount: money(unitPrice * quantity * rate),
          returned_at: iso(returnedAt),
          reason: rnd.pick(['size', 'damaged', 'not as described', 'changed mind']),
        });
      }
    }
    emit('orders', {
      order_id: orderId,
      customer_id: id,
      ordered_at: iso(t),
      amount: money(amount),
      currency,
      status: cancelled ? 'cancelled' : 'completed',
      channel: rnd.weighted([
        ['web', 55],
        ['app', 30],
        ['store', 15],
      ] as const),
    });
    if (member && t > loyaltyJoin && !cancelled && t + 2 * MINUTE < end) {
      const earned = Math.max(1, Math.round(amount * rate));
      points += earned;
      emit('loyalty_ledger', { entry_id: ids.next('le'), customer_id: id, occurred_at: iso(t + MINUTE), kind: 'earn', points: earned, reward: null });
      if (points >= 500 && rnd.chance(0.35)) {
        points -= 500;
        emit('loyalty_ledger', { entry_id: ids.next('le'), customer_id: id, occurred_at: iso(t + 2 * MINUTE), kind: 'redeem', points: 500, reward: rnd.pick(['voucher_10', 'free_shipping', 'gift']) });
      }
    }
    webSession(t - rnd.int(1, 20) * MINUTE, id, id, true, rnd, ids, emit, end);
  }
  if (member && points > 0 && lastActive + 365 * DAY < end) {
    // Points unused for a year expire.
    emit('loyalty_ledger', { entry_id: ids.next('le'), customer_id: id, occurred_at: iso(lastActive + 365 * DAY), kind: 'expire', points, reward: null });
  }

  // Subscriptions: monthly changes; unhappy customers churn sooner; some come back.
  let activeUntil = lastActive;
  if (subscriber) activeUntil = Math.max(activeUntil, subscription(id, acquired, satisfaction, world, rnd, ids, emit));

  // Browsing without buying, as a known customer and before sign-up as an anonymous visitor.
  for (let i = rnd.poisson(3); i > 0; i--) webSession(acquired + rnd.next() * (Math.min(end, activeUntil + 60 * DAY) - acquired), id, id, false, rnd, ids, emit, end);
  const firstVisit = acquired - rnd.int(1, 20) * DAY;
  if (rnd.chance(0.5) && firstVisit > start) webSession(firstVisit, `v${index + 1}`, null, false, rnd, ids, emit, end);

  // Tickets: more for unhappy customers; CSAT and CES answers follow them.
  const lifeEnd = Math.min(end - HOUR, activeUntil + 30 * DAY);
  for (let i = rnd.poisson(0.25 + 1.2 * (1 - satisfaction)); i > 0; i--) {
    const opened = acquired + rnd.next() * (lifeEnd - acquired);
    const firstResponse = opened + rnd.int(5, 480) * MINUTE;
    const resolved = firstResponse + rnd.lognormal(2.5, 1) * HOUR;
    const isOpen = resolved >= end || rnd.chance(0.03);
    emit('tickets', {
      ticket_id: ids.next('t'),
      customer_id: id,
      opened_at: iso(opened),
      first_response_at: firstResponse < end ? iso(firstResponse) : null,
      resolved_at: isOpen ? null : iso(resolved),
      handle_seconds: Math.round(rnd.lognormal(6.3, 0.6)),
      contacts: isOpen ? null : rnd.weighted([[1, 70], [2, 18], [3, 8], [4, 4]] as const),
      channel: rnd.pick(['email', 'chat', 'phone']),
      is_complaint: rnd.chance(0.04 + 0.25 * (1 - satisfaction)) ? 'true' : 'false',
    });
    if (!isOpen && resolved + HOUR < end && rnd.chance(0.45)) {
      const ten = rnd.chance(0.1);
      const csat = clamp(Math.round(1 + (ten ? 9 : 4) * satisfaction + rnd.normal(0, ten ? 1.2 : 0.7)), 1, ten ? 10 : 5);
      survey(id, 'csat', csat, ten ? 10 : 5, resolved + HOUR, 'support', rnd, ids, emit);
      survey(id, 'ces', clamp(Math.round(1 + 6 * satisfaction + rnd.normal(0, 0.9)), 1, 7), null, resolved + HOUR + MINUTE, 'support', rnd, ids, emit);
    }
  }
  // NPS (some answer twice) and the three loyalty-index questions (1 = very likely).
  if (rnd.chance(0.3)) {
    for (let i = rnd.chance(0.25) ? 2 : 1; i > 0; i--) {
      const at = acquired + rnd.next() * (Math.min(end, activeUntil + 90 * DAY) - acquired);
      survey(id, 'nps', clamp(Math.round(10.5 * satisfaction + rnd.normal(0, 1.4)), 0, 10), null, at, 'email', rnd, ids, emit);
    }
  }
  if (rnd.chance(0.1)) {
    const at = acquired + rnd.next() * (end - acquired);
    for (const q of ['cli_recommend', 'cli_repurchase', 'cli_other_products']) {
      survey(id, q, clamp(Math.round(1 + 5 * (1 - satisfaction) + rnd.normal(0, 0.8)), 1, 6), null, at, 'survey', rnd, ids, emit);
    }
  }

  // Email campaigns sent after acquisition; events and webinars.
  for (const c of world.emails) {
    if (c.at > acquired && rnd.chance(0.15)) emailJourney(id, c.id, c.at, satisfaction, rnd, ids, emit, end);
  }
  for (const ev of world.events) {
    if (ev.at <= acquired || !rnd.chance(0.03)) continue;
    const registered = ev.at - rnd.int(1, 14) * DAY;
    if (registered <= acquired) continue;
    emit('campaign_events', { event_id: ids.next('ce'), campaign_id: ev.id, customer_id: id, occurred_at: iso(registered), type: 'registered' });
    if (rnd.chance(0.5)) {
      emit('campaign_events', { event_id: ids.next('ce'), campaign_id: ev.id, customer_id: id, occurred_at: iso(ev.at), type: 'attended' });
      for (let i = rnd.poisson(1.2); i > 0; i--) {
        emit('campaign_events', { event_id: ids.next('ce'), campaign_id: ev.id, customer_id: id, occurred_at: iso(ev.at + rnd.int(1, 55) * MINUTE), type: 'interaction' });
      }
    }
  }
}

/** Returns when the customer's last subscription ended (or the end of the period). */
function subscription(id: string, acquired: number, satisfaction: number, world: World, rnd: Random, ids: Ids, emit: Emit): number {
  const { end } = world;
  let t = acquired + rnd.int(0, 14) * DAY;
  if (t >= end) return acquired;
  let plan = rnd.weighted([
    [0, 55],
    [1, 35],
    [2, 10],
  ] as const);
  let subId = ids.next('s');
  let mrr: number = PLANS[plan]![1];
  const churnHazard = 0.015 + 0.06 * (1 - satisfaction);
  let activeUntil = t;
  const change = (at: number, value: number, planName: string) =>
    emit('subscription_events', { event_id: ids.next('se'), customer_id: id, subscription_id: subId, occurred_at: iso(at), mrr: money(value), currency: 'USD', plan: planName });
  change(t, mrr, PLANS[plan]![0]);
  let active = true;
  while (t < end) {
    if (active) {
      invoice(id, t, mrr, rnd, ids, emit, end);
      activity(id, t, Math.min(end, t + 30 * DAY), satisfaction, rnd, ids, emit);
      activeUntil = t + 30 * DAY;
    }
    t += 30 * DAY + rnd.int(0, 1) * DAY;
    if (t >= end) break;
    if (active) {
      if (rnd.chance(churnHazard)) {
        active = false;
        mrr = 0;
        change(t, 0, PLANS[plan]![0]);
      } else if (plan < 2 && rnd.chance(0.03)) {
        mrr = PLANS[++plan]![1];
        change(t, mrr, PLANS[plan]![0]);
      } else if (plan > 0 && rnd.chance(0.02)) {
        mrr = PLANS[--plan]![1];
        change(t, mrr, PLANS[plan]![0]);
      }
    } else if (rnd.chance(0.04)) {
      active = true;
      subId = ids.next('s');
      mrr = PLANS[plan]![1];
      change(t, mrr, PLANS[plan]![0]);
    }
  }
  return Math.min(activeUntil, end);
}

function invoice(id: string, issued: number, amount: number, rnd: Random, ids: Ids, emit: Emit, end: number): void {
  const due = issued + rnd.int(14, 30) * DAY;
  const kind = rnd.weighted([
    ['on_time', 82],
    ['late', 15],
    ['unpaid', 3],
  ] as const);
  const paid = kind === 'on_time' ? issued + rnd.next() * (due - issued) : kind === 'late' ? due + rnd.int(1, 45) * DAY : Infinity;
  emit('invoices', {
    invoice_id: ids.next('i'),
    customer_id: id,
    issued_at: iso(issued),
    due_at: iso(due),
    amount: money(amount),
    currency: 'USD',
    paid_at: paid < end ? iso(paid) : null,
    paid_amount: paid < end ? money(amount) : null,
  });
}

/** Product use for a month of subscription: fewer events from less satisfied customers. */
function activity(id: string, from: number, to: number, satisfaction: number, rnd: Random, ids: Ids, emit: Emit): void {
  for (let i = rnd.poisson(2 + 6 * satisfaction); i > 0; i--) {
    const at = from + rnd.next() * (to - from);
    const name = rnd.weighted(FEATURES);
    emit('activity_events', { event_id: ids.next('a'), customer_id: id, occurred_at: iso(at), name, properties: name === 'export' ? '{"format":"csv"}' : null });
  }
}

function survey(id: string, kind: string, score: number, scaleMax: number | null, at: number, touchpoint: string, rnd: Random, ids: Ids, emit: Emit): void {
  emit('survey_responses', {
    response_id: ids.next('sr'),
    customer_id: id,
    survey: kind,
    score,
    scale_max: scaleMax,
    responded_at: iso(at),
    touchpoint,
    comment: kind === 'nps' && rnd.chance(0.2) ? (score >= 9 ? 'Great service, keep it up' : score <= 6 ? 'Delivery was slow, support did not help' : 'Fine') : null,
  });
}

function emailJourney(id: string, campaign: string, sent: number, satisfaction: number, rnd: Random, ids: Ids, emit: Emit, end: number): void {
  const e = (type: string, at: number) => {
    if (at < end) emit('email_events', { event_id: ids.next('e'), campaign_id: campaign, customer_id: id, occurred_at: iso(at), type });
  };
  e('sent', sent);
  if (rnd.chance(0.03)) return e('bounce', sent + MINUTE);
  e('delivered', sent + MINUTE);
  if (rnd.chance(0.003)) return e('unsubscribe', sent + rnd.int(1, 48) * HOUR);
  if (!rnd.chance(0.12 + 0.2 * satisfaction)) return;
  const opened = sent + rnd.lognormal(1.5, 1.2) * HOUR;
  e('open', opened);
  if (rnd.chance(0.2)) e('open', opened + rnd.int(1, 72) * HOUR);
  if (!rnd.chance(0.15)) return;
  e('click', opened + rnd.int(1, 10) * MINUTE);
  if (rnd.chance(0.12)) e('conversion', opened + rnd.int(11, 120) * MINUTE);
}

/**
 * A web session: browsing bounces (one page view) about half the time. Anonymous visitors'
 * events carry no session id, as with trackers that leave sessions to be derived.
 */
function webSession(start: number, visitor: string, customer: string | null, buys: boolean, rnd: Random, ids: Ids, emit: Emit, end: number): void {
  if (start >= end || start < 0) return;
  const session = customer ? ids.next('ws') : null;
  const n = buys ? rnd.int(2, 6) : rnd.chance(0.5) ? 1 : rnd.int(2, 7);
  let t = start;
  for (let i = 0; i < n && t < end; i++) {
    const interaction = i > 0 && rnd.chance(0.25);
    emit('web_events', {
      event_id: ids.next('w'),
      visitor_id: visitor,
      customer_id: customer,
      session_id: session,
      occurred_at: iso(t),
      type: interaction ? rnd.pick(['add_to_cart', 'search', 'signup']) : 'pageview',
      path: rnd.pick(PAGES),
    });
    t += rnd.int(5, 240) * 1000;
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
