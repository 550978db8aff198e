/**
 * Email campaigns and live events as one customer experiences them. Each campaign goes to a sample
 * of the customers acquired before it: sent → delivered (~97 %) or bounce → open (~25 %, sometimes
 * twice) → click (~15 % of openers) → conversion (some clickers), and now and then an
 * unsubscribe, after which nothing more is sent. Webinars and workshops: registered → attended
 * (40–60 %) → interactions.
 */
import type { Row } from '../warehouse/schema/types.js';
import type { Ctx, Customer } from './profile.js';
import { DAY, HOUR, iso, MINUTE } from './time.js';

export function writeEmails(ctx: Ctx, c: Customer, engagedUntil: number): void {
  const { rnd, world, ids, sink } = ctx;
  const s = c.satisfaction;
  for (const campaign of world.emails) {
    if (campaign.at <= c.acquired + DAY) continue;
    const engaged = campaign.at < engagedUntil;
    if (!rnd.chance(engaged ? 0.22 : 0.12)) continue;
    let t = campaign.at + rnd.uniform(0, 30) * MINUTE;
    const emit = (type: Row<'email_events'>['type'], at: number): boolean => {
      t = Math.max(at, t);
      if (t >= world.end) return false;
      sink.emit('email_events', { event_id: ids.next('ee'), campaign_id: campaign.id, customer_id: c.id, occurred_at: iso(t), type });
      return true;
    };
    if (!emit('sent', t)) continue;
    if (rnd.chance(0.03)) {
      emit('bounce', t + rnd.uniform(5, 120) * 1000);
      // A hard bounce: the address is dropped from the list.
      if (rnd.chance(0.5)) return;
      continue;
    }
    if (!emit('delivered', t + rnd.uniform(5, 120) * 1000)) continue;
    const unsubscribes = rnd.chance(0.002 + 0.006 * (1 - s));
    if (rnd.chance((0.11 + 0.23 * s) * (engaged ? 1 : 0.6))) {
      if (!emit('open', t + rnd.lognormal(Math.log(2 * HOUR), 1.2))) continue;
      const opened = t;
      if (rnd.chance(0.15)) {
        emit('click', opened + rnd.uniform(10, 600) * 1000);
        if (rnd.chance(0.2)) emit('conversion', t + rnd.uniform(2, 90) * MINUTE);
      }
      if (rnd.chance(0.2)) emit('open', t + rnd.uniform(1, 72) * HOUR);
    }
    if (unsubscribes) {
      emit('unsubscribe', t + rnd.uniform(1, 120) * 1000);
      return;
    }
  }
}

export function writeLiveEvents(ctx: Ctx, c: Customer, engagedUntil: number): void {
  const { rnd, world, ids, sink } = ctx;
  for (const event of world.events) {
    if (event.at <= c.acquired + DAY) continue;
    const chance = 0.03 * (c.subscriber ? 2 : 1) * (event.at < engagedUntil ? 1 : 0.3);
    if (!rnd.chance(chance)) continue;
    const emit = (type: Row<'campaign_events'>['type'], at: number) => {
      if (at < world.end) sink.emit('campaign_events', { event_id: ids.next('ce'), campaign_id: event.id, customer_id: c.id, occurred_at: iso(at), type });
    };
    emit('registered', Math.max(c.acquired + MINUTE, event.at - rnd.uniform(1, 21 * 24) * HOUR));
    if (!rnd.chance(event.attendance)) continue;
    const joined = event.at + rnd.uniform(0, 10) * MINUTE;
    emit('attended', joined);
    let t = joined;
    for (let i = rnd.poisson(1.5); i > 0; i--) emit('interaction', (t += rnd.uniform(1, 15) * MINUTE));
  }
}
