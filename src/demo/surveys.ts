/**
 * Survey answers. NPS (about 30 % of customers answer, some more than once) and the three Customer
 * Loyalty Index questions (1 = very likely … 6 = very unlikely) for a subset, all driven by the
 * customer's satisfaction, so the answers go with who stays and who leaves.
 */
import type { Row } from '../warehouse/schema/types.js';
import { COMMENTS } from './catalog.js';
import type { Ctx, Customer } from './profile.js';
import { DAY, iso } from './time.js';

type Survey = Row<'survey_responses'>['survey'];

export function writeSurvey(ctx: Ctx, c: Customer, survey: Survey, score: number, at: number, touchpoint: string, scaleMax?: number, comment?: string): void {
  ctx.sink.emit('survey_responses', {
    response_id: ctx.ids.next('sr'),
    customer_id: c.id,
    survey,
    score,
    scale_max: scaleMax,
    responded_at: iso(at),
    touchpoint,
    comment,
  });
}

/** NPS and CLI answers given between a week after acquisition and a month after the customer left. */
export function writeNpsAndCli(ctx: Ctx, c: Customer, engagedUntil: number): void {
  const { rnd, world } = ctx;
  const from = c.acquired + 7 * DAY;
  const to = Math.min(world.end, engagedUntil + 30 * DAY);
  const s = c.satisfaction;
  if (rnd.chance(0.3)) {
    const answers = rnd.weighted([
      [1, 70],
      [2, 22],
      [3, 8],
    ] as const);
    for (let i = 0; i < answers && from < to; i++) {
      const score = Math.min(10, Math.max(0, Math.round(11 * s + 0.2 + rnd.normal(0, 1.1))));
      const mood = score >= 9 ? COMMENTS.good : score <= 6 ? COMMENTS.bad : COMMENTS.neutral;
      writeSurvey(ctx, c, 'nps', score, rnd.uniform(from, to), rnd.pick(['email', 'in_app']), undefined, rnd.chance(0.25) ? rnd.pick(mood) : undefined);
    }
  }
  if (rnd.chance(0.1) && from < to) {
    const at = rnd.uniform(from, to);
    for (const q of ['cli_recommend', 'cli_repurchase', 'cli_other_products'] as const) {
      const score = Math.min(6, Math.max(1, Math.round(1 + 5 * (1 - s) + rnd.normal(0, 0.7))));
      writeSurvey(ctx, c, q, score, at, 'email');
    }
  }
}
