/**
 * A report: the chosen metrics over a period, each computed by compute.ts, in the JSON shape every
 * surface shares: {"from","to","grain","timezone","currency","data","period_reason","metrics":[…]}.
 */
import { UsageError } from '../warehouse/errors.js';
import { getSettings } from '../warehouse/schema/settings.js';
import { TABLE_NAMES } from '../warehouse/schema/tables.js';
import { didYouMean } from '../warehouse/suggest.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { workspaceBenchmarks } from './benchmarks.js';
import { computeMetric, emptyTables, lastFullMonths, type MetricResult, type ReportRequest } from './compute.js';
import { dataRange, defaultPeriod, rangeOf, type DayRange } from './data-range.js';
import { METRICS } from './registry.js';
import { ReportTables } from './report-tables.js';
import { GRAINS, withSegments, type Grain, type Slice } from './scope.js';
import { checkSlice, parseWhere } from './slice.js';
import { TEAMS, type MetricDef, type Team } from './types.js';

export interface ReportOptions {
  from?: string;
  to?: string;
  grain?: string;
  metrics?: readonly string[];
  teams?: readonly string[];
  where?: readonly string[];
  by?: string;
  compare?: string;
  timezone?: string;
  activityWindow?: string;
  /** A benchmarks JSON file (see benchmarks.ts); also $RETAIN_BENCHMARKS. */
  benchmarks?: string;
  /** Compute each metric's definition variants beside its value. */
  variants?: boolean;
  /** L2 penalty of the model fits (predictive CLV); default 0. */
  penalizer?: number;
  /** Fit the models on a worker thread (the server does: its event loop stays free); the same numbers. Not part of a request. */
  offThread?: boolean;
}

export interface Report {
  from: string;
  to: string;
  grain: Grain;
  timezone: string;
  /** The reporting currency every money value is in. */
  currency: string;
  /** The first and last day of the data (every table of what customers did); null with none. */
  data: DayRange | null;
  /** Why the period is not the one asked for or the default (the data ends before it), else null. */
  period_reason: string | null;
  metrics: MetricResult[];
  /** The breakdown field, when there is one (not part of the JSON output). */
  by?: string;
}

export async function buildReport(wh: Warehouse, o: ReportOptions, onMetric?: (done: number, total: number) => void): Promise<Report> {
  const settings = await getSettings(wh);
  const timezone = o.timezone ?? settings.timezone;
  checkTimeZone(timezone);
  const range = await dataRange(wh, timezone);
  const data = rangeOf(range);
  // With neither end given, a period the data covers; with one, the other from the last 12 months.
  const defaults = o.from || o.to ? { ...lastFullMonths(12, timezone), reason: null } : defaultPeriod(data, timezone);
  const from = date(o.from ?? defaults.from, '--from');
  const to = date(o.to ?? defaults.to, '--to');
  if (from >= to) throw new UsageError('bad-period', `--from ${from} is not before --to ${to}.`, 'The period is [from, to): to is the first day after it.');
  const grain = (o.grain ?? 'month') as Grain;
  if (!GRAINS.includes(grain)) throw new UsageError('bad-grain', `Unknown grain ${o.grain}.`, `Grains: ${GRAINS.join(', ')}.`);
  const chosen = selectMetrics(o.metrics ?? [], o.teams ?? []);
  const slice: Slice = { where: (o.where ?? []).map(parseWhere), ...(o.by ? { by: o.by } : {}) };
  await checkSlice(wh, slice);
  if (o.compare && o.compare !== 'previous' && o.compare !== 'year') {
    throw new UsageError('bad-compare', `--compare ${o.compare}: use previous or year.`);
  }
  const activityWindowDays = o.activityWindow ? days(o.activityWindow) : undefined;
  const benchmarksFile = o.benchmarks ?? process.env.RETAIN_BENCHMARKS;
  const benchmarks = await workspaceBenchmarks(settings.industry, benchmarksFile, METRICS.map((m) => m.id));
  const tables = new ReportTables(wh);
  const req: ReportRequest = { from, to, grain, timezone, slice, compare: o.compare as ReportRequest['compare'], activityWindowDays, benchmarks, cache: new Map(), tables, dataRange: range, variants: o.variants, penalizer: o.penalizer, offThread: o.offThread };
  const empty = await emptyTables(wh, TABLE_NAMES);
  const metrics: MetricResult[] = [];
  const computeAll = async (segments?: string) => {
    for (const m of chosen) {
      metrics.push(await computeMetric(wh, m, { ...req, ...(segments ? { segments } : {}) }, empty));
      onMetric?.(metrics.length, chosen.length);
    }
  };
  try {
    // One segments lookup for the whole report.
    if (slice.by) await withSegments(wh, slice.by, computeAll);
    else await computeAll();
  } finally {
    await tables.drop();
  }
  const report: Report = { from, to, grain, timezone, currency: settings.currency, data, period_reason: defaults.reason, metrics };
  // Kept out of JSON.stringify: not part of the JSON shape.
  if (o.by) Object.defineProperty(report, 'by', { value: o.by, enumerable: false });
  return report;
}

/** The metrics of a request: those named, of the teams named (all when neither); an unknown one is a UsageError. */
export function selectMetrics(ids: readonly string[], teams: readonly string[]): MetricDef[] {
  for (const id of ids) {
    if (!METRICS.some((m) => m.id === id)) {
      throw new UsageError('unknown-metric', `Unknown metric ${id}.`, `${didYouMean(id, METRICS.map((m) => m.id))}retain metrics lists them.`);
    }
  }
  for (const t of teams) {
    if (!(TEAMS as readonly string[]).includes(t)) throw new UsageError('unknown-team', `Unknown team ${t}.`, `Teams: ${TEAMS.join(', ')}.`);
  }
  return METRICS.filter((m) => (ids.length === 0 || ids.includes(m.id)) && (teams.length === 0 || m.teams.some((t) => teams.includes(t as Team))));
}

function date(v: string, flag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(new Date(`${v}T00:00:00Z`).getTime())) {
    throw new UsageError('bad-date', `${flag} ${v}: expected a date as YYYY-MM-DD.`);
  }
  return v;
}

function days(v: string): number {
  const m = /^(\d+)d$/.exec(v);
  if (!m || Number(m[1]) <= 0) throw new UsageError('bad-window', `--activity-window ${v}: expected days, such as 365d or 90d.`);
  return Number(m[1]);
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UsageError('bad-timezone', `Unknown time zone ${tz}.`, 'Use an IANA name such as Europe/Berlin or America/New_York.');
  }
}
