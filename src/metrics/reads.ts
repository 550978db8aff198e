/**
 * What a report's answer reads, for the server's result cache (which keys a result on the data
 * versions of these tables): generous rather than exact, since a table listed needlessly costs a
 * recomputation and one missed would serve an old number.
 * - each chosen metric's tables, under both workspace models (MetricDef `tables`, `modelTables`);
 * - customers, which every scope filters and segments by, and subscription_events, whose rows
 *   decide the model 'auto' picks;
 * - every activity table when the answer shows the data's range (the report's `data`) or leaves
 *   the period to the default, which is chosen from that range;
 * - the settings (currency, zone, model, windows, margin: every value depends on some), always;
 * - today's date, when either end of the period is left to the default (the last full months).
 */
import type { Versioned } from '../warehouse/data-versions.js';
import type { TableName } from '../warehouse/schema/tables.js';
import { ACTIVITY } from './data-range.js';
import { selectMetrics, type ReportOptions } from './report.js';

export interface ReportReads {
  /** The data versions the answer depends on: its tables, sorted, each once, then 'settings'. */
  versions: Versioned[];
  /** Whether the answer changes with the date (the default period). */
  today: boolean;
}

export function reportReads(o: ReportOptions, answer: { showsDataRange: boolean }): ReportReads {
  const tables = new Set<TableName>(['customers', 'subscription_events']);
  for (const m of selectMetrics(o.metrics ?? [], o.teams ?? [])) {
    for (const t of [...m.tables, ...Object.values(m.modelTables ?? {}).flat()]) tables.add(t);
  }
  const defaultPeriod = !o.from && !o.to;
  if (answer.showsDataRange || defaultPeriod) for (const t of ACTIVITY) tables.add(t.name as TableName);
  return { versions: [...[...tables].sort(), 'settings'], today: !o.from || !o.to };
}
