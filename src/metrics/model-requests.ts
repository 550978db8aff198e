/**
 * The model requests both surfaces share: the options of `retain model fit|evaluate|rfm|nps-growth`
 * and `retain whatif`, named as the API's parameters (`calibration_end` for --calibration-end),
 * each through one schema to what its function takes, with the CLI's checks and codes. Loads zod:
 * import it lazily from a command module.
 */
import { z } from 'zod';
import type { TimeUnit } from '../models/queries.js';
import { UsageError } from '../warehouse/errors.js';
import { isoDay, numberWithin, positiveWhole, wholeOrZero } from './option-values.js';
import { penalizer } from './penalizer.js';
import { flagOn, numeric, parseOptions, text } from './request.js';

const timeUnit = (v: string | undefined, def: TimeUnit): TimeUnit => {
  if (v === undefined) return def;
  if (v !== 'day' && v !== 'week') throw new UsageError('bad-option', `time_unit must be day or week; got "${v}".`);
  return v;
};
const day = (name: string, v: string | undefined) => (v === undefined ? undefined : isoDay(name, v));
const penalty = (v: number | string | undefined) => (v === undefined ? undefined : penalizer(v));

const fitShape = {
  time_unit: text.describe('unit of recency and T: day or week (sets the scale of the parameters)'),
  penalizer: numeric.describe('L2 penalty on the model parameters (default 0)'),
  pareto: flagOn.describe('also fit Pareto/NBD (default true; the slowest fit)'),
};

export const fitRequestSchema = z.object({ calibration_end: text.describe('last day of the calibration period, inclusive, YYYY-MM-DD (default: the last order day)'), ...fitShape });

export const fitOptions = (q: z.output<typeof fitRequestSchema>) => ({ calibrationEnd: day('calibration_end', q.calibration_end), timeUnit: timeUnit(q.time_unit, 'day'), penalizer: penalty(q.penalizer), pareto: q.pareto });
export const parseFitRequest = (input: unknown) => fitOptions(parseOptions(fitRequestSchema, input));

export const evaluateRequestSchema = z.object({
  calibration_end: z.string().describe('last day of the calibration period, inclusive, YYYY-MM-DD'),
  holdout_end: z.string().describe('last day of the holdout period, inclusive, YYYY-MM-DD'),
  ...fitShape,
});

export const evaluateOptions = (q: z.output<typeof evaluateRequestSchema>) => ({ calibrationEnd: isoDay('calibration_end', q.calibration_end), holdoutEnd: isoDay('holdout_end', q.holdout_end), timeUnit: timeUnit(q.time_unit, 'week'), penalizer: penalty(q.penalizer), pareto: q.pareto });
export const parseEvaluateRequest = (input: unknown) => evaluateOptions(parseOptions(evaluateRequestSchema, input));

export const rfmRequestSchema = z.object({ as_of: text.describe('score purchases up to this day, inclusive, YYYY-MM-DD (default: the last order day)') });

export const rfmOptions = (q: z.output<typeof rfmRequestSchema>) => ({ asOf: day('as_of', q.as_of) });
export const parseRfmRequest = (input: unknown) => rfmOptions(parseOptions(rfmRequestSchema, input));

export const npsGrowthRequestSchema = z.object({
  months: numeric.describe('months of history, the last full months (default 24)'),
  max_lag: numeric.describe('largest lag in months (default 6)'),
});

export const npsGrowthOptions = (q: z.output<typeof npsGrowthRequestSchema>) => ({
  months: q.months === undefined ? 24 : positiveWhole('months', q.months),
  maxLag: q.max_lag === undefined ? 6 : wholeOrZero('max_lag', q.max_lag),
});
export const parseNpsGrowthRequest = (input: unknown) => npsGrowthOptions(parseOptions(npsGrowthRequestSchema, input));

export const whatIfRequestSchema = z.object({
  retention: z.union([z.number(), z.string()]).describe('percentage points added to the annual retention rate, e.g. 5'),
  horizon: numeric.describe('months to project (default 36)'),
  discount: numeric.describe('monthly discount rate (default 0.01)'),
  margin: numeric.describe('gross margin 0–1 (default: the gross_margin setting)'),
});

export const whatIfOptions = (q: z.output<typeof whatIfRequestSchema>) => ({
  retention: numberWithin('retention', q.retention, -100, 100),
  horizonMonths: q.horizon === undefined ? 36 : positiveWhole('horizon', q.horizon),
  discount: q.discount === undefined ? 0.01 : numberWithin('discount', q.discount, 0, 1),
  margin: q.margin === undefined ? undefined : numberWithin('margin', q.margin, 0, 1),
});
export const parseWhatIfRequest = (input: unknown) => whatIfOptions(parseOptions(whatIfRequestSchema, input));
