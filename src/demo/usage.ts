/**
 * Product use (activity events): a Poisson stream of feature events whose rate fades over the
 * last ~75 days before the customer leaves, the signal an engagement or churn model should find.
 */
import { FEATURES } from './catalog.js';
import type { Ctx, Customer } from './profile.js';
import { DAY, iso } from './time.js';

/** Some properties per feature, as JSON objects; an empty string leaves the field empty. */
const PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  login: ['{"device":"desktop"}', '{"device":"mobile"}', '{"device":"tablet"}'],
  dashboard_view: ['{"dashboard":"overview"}', '{"dashboard":"retention"}', '{"dashboard":"revenue"}'],
  create_report: ['{"template":"cohort"}', '{"template":"nps"}', '{"template":"churn","shared":true}'],
  api_call: ['{"endpoint":"/v1/orders","status":200}', '{"endpoint":"/v1/customers","status":200}', '{"endpoint":"/v1/orders","status":429}'],
  export: ['{"format":"csv"}', '{"format":"xlsx"}'],
  invite_user: ['{"role":"viewer"}', '{"role":"editor"}'],
  share_dashboard: [''],
};
const FADE = 75 * DAY;

/**
 * Events in [from, to) at `perMonth` a month; when `leaves` is set, each event near it is kept with
 * a chance falling linearly from 1 (75 days before) to 0.15 (at the moment of leaving).
 */
export function writeActivity(ctx: Ctx, c: Customer, from: number, to: number, leaves: number | undefined, perMonth: number): void {
  const { rnd, ids, sink } = ctx;
  const rate = perMonth / (30 * DAY);
  for (let t = from + rnd.exponential(rate); t < to; t += rnd.exponential(rate)) {
    if (leaves !== undefined && leaves - t < FADE && !rnd.chance(0.15 + (0.85 * (leaves - t)) / FADE)) continue;
    const name = rnd.weighted(FEATURES);
    const props = PROPERTIES[name];
    sink.emit('activity_events', {
      event_id: ids.next('a'),
      customer_id: c.id,
      occurred_at: iso(t),
      name,
      properties: props ? rnd.pick(props) || undefined : undefined,
    });
  }
}
