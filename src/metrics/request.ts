/**
 * The report request every surface shares: the CLI's options and the API's query parameters
 * have the same names (`activity_window` for --activity-window) and go through this one schema
 * to the same ReportOptions. The schema checks shape only (a list, a number, a flag); what a value
 * means (a known grain, metric, field) is buildReport's to check, with the codes the CLI has
 * always given. Loads zod: import it lazily from a command module (the startup test checks).
 */
import { z } from 'zod';
import { UsageError } from '../warehouse/errors.js';
import { penalizer } from './penalizer.js';
import type { ReportOptions } from './report.js';

/** One value or several: a repeated query parameter arrives as a list, a single one as text. */
export const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
/** A flag: true from the CLI, or "true", "1" or "" (a bare `?variants`) in a query. */
export const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])]).optional().transform((v) => v === true || v === 'true' || v === '1' || v === '');
/** A flag on unless turned off (the CLI's --no-pareto gives false). */
export const flagOn = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])]).optional().transform((v) => v === undefined || v === true || v === 'true' || v === '1' || v === '');
export const text = z.string().optional();
/** A number: a number from the CLI (its parser made it one), text in a query. */
export const numeric = z.union([z.number(), z.string()]).optional();

export const reportRequestSchema = z.object({
  from: text.describe('first day of the period, YYYY-MM-DD'),
  to: text.describe('the day after the period, YYYY-MM-DD'),
  grain: text.describe('series buckets: day, week, month, quarter or year (default month)'),
  metric: list.describe('only these metrics (repeatable)'),
  team: list.describe('only metrics these teams own (repeatable)'),
  where: list.describe('only customers with this field=value (repeatable)'),
  by: text.describe('break down by a customer field or attributes key'),
  compare: text.describe('previous or year'),
  timezone: text.describe('time zone of the period and buckets (default: the workspace setting)'),
  activity_window: text.describe('transactional activity window, e.g. 90d'),
  variants: flag.describe('also give other tools’ definitions of some metrics'),
  penalizer: numeric.describe('L2 penalty on the model parameters (default 0)'),
});

export type ReportRequestInput = z.input<typeof reportRequestSchema>;
export type ReportRequest = z.output<typeof reportRequestSchema>;

/**
 * Parse input by a schema; a malformed one is a UsageError (`bad-option`) naming the option and
 * the ones there are, like a bad flag. The API's routes parse their parameters through it too.
 */
export function parseOptions<S extends z.ZodObject>(schema: S, input: unknown): z.output<S> {
  const r = schema.strict().safeParse(input);
  if (r.success) return r.data as z.output<S>;
  const issue = r.error.issues[0]!;
  const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.') || 'request';
  const message = issue.code === 'unrecognized_keys' ? 'not an option here' : issue.message;
  throw new UsageError('bad-option', `${name}: ${message}.`, `Options: ${Object.keys(schema.shape).join(', ')}.`);
}

/** Parse a request from either surface into what buildReport takes. */
export function parseReportRequest(input: unknown): ReportOptions {
  return reportOptions(parseOptions(reportRequestSchema, input));
}

export function reportOptions(q: ReportRequest): ReportOptions {
  return {
    from: q.from,
    to: q.to,
    grain: q.grain ?? 'month',
    metrics: q.metric,
    teams: q.team,
    where: q.where,
    by: q.by,
    compare: q.compare,
    timezone: q.timezone,
    activityWindow: q.activity_window,
    variants: q.variants || undefined,
    penalizer: q.penalizer === undefined ? undefined : penalizer(q.penalizer),
  };
}
