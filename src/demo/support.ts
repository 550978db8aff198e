/**
 * Support tickets and the CSAT and CES answers that follow them. Tickets are drafted first, as a
 * Poisson process over the whole period at a rate that rises as satisfaction falls, because
 * complaints feed the subscription churn hazard; only those opened while the customer is still
 * around are written.
 */
import type { Ctx, Customer } from './profile.js';
import { writeSurvey } from './surveys.js';
import { DAY, HOUR, iso, MINUTE } from './time.js';

export interface TicketDraft {
  readonly at: number;
  readonly complaint: boolean;
}

const CONTACTS = [
  [1, 68],
  [2, 20],
  [3, 8],
  [4, 4],
] as const;
const SUPPORT_CHANNELS = [
  ['email', 45],
  ['chat', 35],
  ['phone', 20],
] as const;

export function draftTickets(ctx: Ctx, c: Customer): TicketDraft[] {
  const { rnd, world } = ctx;
  const perYear = 0.25 + 1.6 * (1 - c.satisfaction) ** 1.5;
  const drafts: TicketDraft[] = [];
  for (let t = c.acquired + rnd.exponential(perYear / 365) * DAY; t < world.end - HOUR; t += rnd.exponential(perYear / 365) * DAY) {
    drafts.push({ at: t, complaint: rnd.chance(0.02 + 0.18 * (1 - c.satisfaction)) });
  }
  return drafts;
}

/** Writes the drafts opened before `until`; returns them. */
export function writeTickets(ctx: Ctx, c: Customer, drafts: readonly TicketDraft[], until: number): TicketDraft[] {
  const { rnd, world, ids, sink } = ctx;
  const kept = drafts.filter((d) => d.at < until);
  for (const { at, complaint } of kept) {
    const firstResponse = at + Math.min(2 * DAY, Math.max(2 * MINUTE, rnd.lognormal(Math.log(45 * MINUTE), 1.1)));
    const resolved = firstResponse + rnd.lognormal(Math.log(5 * HOUR), 1.3) * (complaint ? 2 : 1);
    const open = resolved >= world.end || rnd.chance(0.02);
    let contacts: number = rnd.weighted(CONTACTS);
    if (complaint && contacts < 4 && rnd.chance(0.4)) contacts++;
    const handle = Math.round(Math.min(3600, Math.max(120, rnd.lognormal(Math.log(420), 0.75) * (complaint ? 1.5 : 1))));
    sink.emit('tickets', {
      ticket_id: ids.next('t'),
      customer_id: c.id,
      opened_at: iso(at),
      first_response_at: firstResponse < world.end ? iso(firstResponse) : undefined,
      resolved_at: open ? undefined : iso(resolved),
      handle_seconds: handle,
      contacts: open ? undefined : contacts,
      channel: rnd.weighted(SUPPORT_CHANNELS),
      is_complaint: complaint ? 'true' : 'false',
    });
    // About half the solved tickets get a CSAT and a CES answer: satisfaction, less for effort.
    const answered = resolved + rnd.uniform(10 * MINUTE, 24 * HOUR);
    if (open || answered + MINUTE >= world.end || !rnd.chance(0.5)) continue;
    const experience = c.satisfaction - 0.1 * (contacts - 1) - (complaint ? 0.15 : 0) - (resolved - at > 2 * DAY ? 0.1 : 0);
    const ten = rnd.chance(0.12);
    const max = ten ? 10 : 5;
    const csat = 1 + Math.round((max - 1) * clamp01(experience + 0.15 + rnd.normal(0, 0.15)));
    writeSurvey(ctx, c, 'csat', csat, answered, 'support', max);
    const ces = 1 + Math.round(6 * clamp01(experience + 0.1 - 0.05 * (contacts - 1) + rnd.normal(0, 0.15)));
    writeSurvey(ctx, c, 'ces', ces, answered + 30_000, 'support');
  }
  return kept;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
