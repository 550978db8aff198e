/**
 * Where a value is right but misleading, the report says so beside it, in plain language: a
 * rate behind few answers or customers, an activity window or a comparison period reaching back
 * before the data began, a gross margin left at its default. The value itself is not changed.
 */
import type { TableName } from '../warehouse/schema/tables.js';
import { rangeOf, type DataRange } from './data-range.js';
import type { MetricDef, Unit } from './types.js';

/** Fewer answers or customers than this behind a rate: `small_n`, marked in every output. */
export const SMALL_N = 30;

const RATES: readonly Unit[] = ['percent', 'score', 'ratio'];

export const isSmallN = (m: Pick<MetricDef, 'unit'>, value: number | null, n: number): boolean => value !== null && RATES.includes(m.unit) && n < SMALL_N;

export interface WarningContext {
  from: string;
  compared: [string, string] | null;
  model: 'subscription' | 'transactional';
  tables: readonly TableName[];
  activityWindowDays: number;
  /** The gross margin is the default (no one set it). */
  defaultMargin: boolean;
  range: DataRange;
}

const minusDays = (d: string, days: number) => new Date(Date.parse(`${d}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

export type WarningCode = 'small_n' | 'window_before_data' | 'partial_comparison' | 'default_margin';

/** A warning: a stable code for programs and a message for people. */
export interface ValueWarning {
  code: WarningCode;
  message: string;
}

/** What several metrics' warnings of one code say together, before the list of their names. */
export const WARNING_SUMMARY: Readonly<Record<WarningCode, string>> = {
  small_n: `Fewer than ${SMALL_N} answers or customers behind the rate, so it can move a lot by chance`,
  window_before_data: "The activity window reaches back before the data's first day, so retention reads higher and churn lower than they are",
  partial_comparison: "The period compared against starts before the data's first day, so the change is against a period the data only partly covers",
  default_margin: 'Computed with the default gross margin of 100 % (the workspace has none set), so this is revenue, not profit',
};

export function warningsFor(m: MetricDef, value: number | null, n: number, c: WarningContext): ValueWarning[] {
  const out: ValueWarning[] = [];
  const push = (code: WarningCode, message: string) => out.push({ code, message });
  if (isSmallN(m, value, n)) push('small_n', `Only ${n} ${n === 1 ? 'observation' : 'observations'} behind this rate (fewer than ${SMALL_N}): it can move a lot by chance.`);
  const data = rangeOf(c.range, c.tables);
  if (data && m.reads?.includes('activity_window') && c.model === 'transactional') {
    const reach = minusDays(c.from, c.activityWindowDays);
    if (reach < data.first) {
      push(
        'window_before_data',
        `A customer counts as active for ${c.activityWindowDays} days after an order, which reaches back to ${reach}, before the data's first day (${data.first}): customers who ordered only before the data began are not seen, so retention looks higher and churn lower than they are.`,
      );
    }
  }
  if (data && c.compared && c.compared[0] < data.first) {
    push('partial_comparison', `The period compared against (${c.compared[0]} to ${c.compared[1]}) starts before the data's first day (${data.first}): the change is against a period the data only partly covers.`);
  }
  if (c.defaultMargin && m.reads?.includes('gross_margin')) {
    push('default_margin', 'Computed with a gross margin of 100 %, the default, because the workspace has none set: this is revenue, not profit.');
  }
  return out;
}
